"""What a model file or folder is: detection and layout checks for ``drc models add``.

Accepted (DESIGN.md §3, "bring your own model"):

- a diffusers pipeline folder (``model_index.json``) of Stable Diffusion 1.5 or SDXL;
- a single-file ``.safetensors`` checkpoint in the A1111/ComfyUI (original LDM) layout;
- an IP-Adapter ``.safetensors`` file (``image_proj.*`` + ``ip_adapter.*`` keys), base or
  "plus" (Resampler) variant;
- a CLIP vision image-encoder folder (``CLIPVisionModelWithProjection``).

Detection reads folder layouts, JSON configs and safetensors *headers* only (the JSON at the
start of the file), never tensors, so it is instant even for multi-GB files and never runs
code from the file. Pickle-based files (``.ckpt``, ``.pt``, ``.bin``...) are refused with the
reason: unpickling can execute arbitrary code.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from drc_desktop.core.errors import ModelError
from drc_desktop.core.user_files import open_user_file, read_user_file

PICKLE_SUFFIXES = frozenset({".ckpt", ".pt", ".pth", ".bin", ".pkl", ".pickle"})
MAX_HEADER_BYTES = 100 * 1024 * 1024
"""The safetensors library's own limit on the header."""
MAX_CONFIG_BYTES = 16 * 1024 * 1024
"""Largest JSON config read (``model_index.json``, ``config.json``...)."""
DTYPE_BYTES = {
    "BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1,
    "I16": 2, "U16": 2, "F16": 2, "BF16": 2,
    "I32": 4, "U32": 4, "F32": 4, "I64": 8, "U64": 8, "F64": 8,
}  # fmt: skip
"""Bytes per element of each safetensors dtype accepted."""

CROSS_ATTENTION_ARCHITECTURE = {768: "sd15", 2048: "sdxl"}
PIPELINE_ARCHITECTURE = {"StableDiffusionPipeline": "sd15", "StableDiffusionXLPipeline": "sdxl"}
PIPELINE_COMPONENTS = {
    "sd15": ("unet", "vae", "text_encoder"),
    "sdxl": ("unet", "vae", "text_encoder", "text_encoder_2"),
}
TOKENIZERS = {"sd15": ("tokenizer",), "sdxl": ("tokenizer", "tokenizer_2")}


class ModelKind(StrEnum):
    diffusers = "diffusers"  # a pipeline folder
    single_file = "single_file"  # one .safetensors checkpoint, original layout
    ip_adapter = "ip_adapter"
    image_encoder = "image_encoder"


PIPELINE_KINDS = (ModelKind.diffusers, ModelKind.single_file)


@dataclass(frozen=True)
class DetectedModel:
    """What detection found. ``files`` are the paths to hash (relative to ``root``)."""

    kind: ModelKind
    architecture: str | None
    root: Path
    files: tuple[str, ...]
    details: dict = field(default_factory=dict)


def detect(path: Path) -> DetectedModel:
    """Identify and check a model file or folder.

    Raises:
        ModelError: missing, a pickle-based file, an unknown or unsupported layout, or a
            layout with missing parts; the message names the file and what to do.
    """
    path = path.expanduser().absolute()
    if not path.exists():
        raise ModelError(f"{path}: no such file or folder")
    if path.is_dir():
        if (path / "model_index.json").is_file():
            return _detect_pipeline_folder(path)
        if (path / "config.json").is_file():
            return _detect_image_encoder(path)
        raise ModelError(
            f"{path}: not a model folder (expected a diffusers pipeline with model_index.json "
            "or a CLIP image encoder with config.json)"
        )
    _refuse_pickle(path)
    if path.suffix.lower() != ".safetensors":
        raise ModelError(f"{path}: not a .safetensors file")
    header = read_safetensors_header(path)
    keys = header.keys()
    if any(k.startswith("image_proj.") for k in keys) and any(
        k.startswith("ip_adapter.") for k in keys
    ):
        return _detect_ip_adapter(path, header)
    if any(k.startswith("model.diffusion_model.") for k in keys):
        return _detect_single_file(path, header)
    raise ModelError(
        f"{path}: a safetensors file, but neither a Stable Diffusion checkpoint nor an IP-Adapter"
    )


def read_safetensors_header(path: Path) -> dict[str, dict]:
    """The tensor table of a safetensors file: ``{name: {"dtype", "shape", "data_offsets"}}``.

    The whole header is validated as the safetensors library will when the model is loaded
    (issue 13 §3), so a file accepted here does not fail later: a JSON object of at most
    ``MAX_HEADER_BYTES`` without duplicate keys; string-to-string ``__metadata__``; for each
    tensor exactly a known ``dtype``, a ``shape`` of non-negative integers and ``data_offsets``
    whose length is that of the shape; the tensors tile the data section exactly (sorted, no
    overlap, no gap, no byte past the end of the file). The file is opened through
    ``core.user_files`` (regular files only, no blocking open).

    Raises:
        ModelError: the file is not a regular file, cannot be read, or its header is not
            valid safetensors; the message names the file and the first problem.
    """
    with open_user_file(path, ModelError) as (file, size):
        try:
            prefix = file.read(8)
            if len(prefix) != 8:
                raise ModelError(f"{path}: too short to be a safetensors file")
            (length,) = struct.unpack("<Q", prefix)
            if length > MAX_HEADER_BYTES or length > size - 8:
                raise _bad_header(path, "bad header length")
            text = file.read(length)
        except OSError as exc:
            raise ModelError(f"{path}: cannot read file ({exc.strerror or exc})") from None
    if len(text) != length:
        raise _bad_header(path, "the file is shorter than its header says")
    header = _parse_header(path, text)
    _check_tensors(path, header, size - 8 - length)
    return header


def _bad_header(path: Path, reason: str) -> ModelError:
    return ModelError(f"{path}: not a valid safetensors file ({reason})")


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict:
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError("a key appears twice")
    return dict(pairs)


def _parse_header(path: Path, text: bytes) -> dict[str, dict]:
    if not text.lstrip(b" ").startswith(b"{"):
        raise _bad_header(path, "the header is not a JSON object")
    try:
        header = json.loads(text.decode("utf-8"), object_pairs_hook=_no_duplicates)
    except RecursionError:
        raise _bad_header(path, "the header is nested too deeply") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise _bad_header(path, f"bad header: {exc}") from None
    if not isinstance(header, dict):
        raise _bad_header(path, "the header is not a JSON object")
    metadata = header.pop("__metadata__", {})
    if not isinstance(metadata, dict) or not all(
        isinstance(value, str) for value in metadata.values()
    ):
        raise _bad_header(path, "__metadata__ must map text to text")
    return header


def _check_tensors(path: Path, header: dict[str, dict], data_bytes: int) -> None:
    spans = []
    for name, info in header.items():
        if not isinstance(info, dict) or set(info) != {"dtype", "shape", "data_offsets"}:
            raise _bad_header(path, f"tensor {name!r} needs exactly dtype, shape, data_offsets")
        dtype, shape, offsets = info["dtype"], info["shape"], info["data_offsets"]
        if not isinstance(dtype, str) or dtype not in DTYPE_BYTES:
            raise _bad_header(path, f"tensor {name!r} has an unknown dtype {dtype!r}")
        if not isinstance(shape, list) or not all(_is_count(n) for n in shape):
            raise _bad_header(path, f"tensor {name!r}: shape must be a list of sizes")
        if (
            not isinstance(offsets, list)
            or len(offsets) != 2
            or not all(_is_count(n) for n in offsets)
            or offsets[0] > offsets[1]
        ):
            raise _bad_header(path, f"tensor {name!r}: bad data_offsets")
        elements = 1
        for n in shape:
            elements *= n
        if elements * DTYPE_BYTES[dtype] != offsets[1] - offsets[0]:
            raise _bad_header(path, f"tensor {name!r}: its offsets do not fit its shape")
        spans.append((offsets[0], offsets[1], name))
    position = 0
    for begin, end, name in sorted(spans):
        if begin != position:
            raise _bad_header(path, f"tensor {name!r} overlaps another or leaves a gap")
        position = end
    if position != data_bytes:
        raise _bad_header(path, "the tensors do not cover the data exactly (cut off or padded)")


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**63


def _refuse_pickle(path: Path) -> None:
    if path.suffix.lower() in PICKLE_SUFFIXES:
        raise ModelError(
            f"{path}: {path.suffix} files are Python pickles, which can run any code when "
            "loaded; DRC Desktop loads only .safetensors. Get the .safetensors version of "
            "this model (most are published in both formats) or convert it on another machine"
        )


def _size(path: Path, header: dict[str, dict], key: str, axis: int) -> int:
    """Axis ``axis`` of tensor ``key`` (validated header), or a ModelError naming it."""
    shape = header.get(key, {}).get("shape", [])
    if len(shape) <= axis or shape[axis] == 0:
        raise ModelError(f"{path}: tensor {key} is missing or has no size on axis {axis}")
    return shape[axis]


def _detect_ip_adapter(path: Path, header: dict[str, dict]) -> DetectedModel:
    keys = header.keys()
    if "image_proj.latents" in keys:
        variant = "plus"
        embedding_dim = _size(path, header, "image_proj.proj_in.weight", 1)
        cross_attention_dim = _size(path, header, "image_proj.proj_out.weight", 0)
        num_tokens = _size(path, header, "image_proj.latents", 1)
    elif "image_proj.proj.weight" in keys and "image_proj.norm.weight" in keys:
        variant = "base"
        cross_attention_dim = _size(path, header, "image_proj.norm.weight", 0)
        embedding_dim = _size(path, header, "image_proj.proj.weight", 1)
        num_tokens = _size(path, header, "image_proj.proj.weight", 0) // cross_attention_dim
    else:
        raise ModelError(
            f"{path}: an IP-Adapter variant that is not supported (only the base and 'plus' "
            "adapters are; FaceID and full-face adapters are not)"
        )
    architecture = CROSS_ATTENTION_ARCHITECTURE.get(cross_attention_dim)
    if architecture is None:
        raise ModelError(
            f"{path}: IP-Adapter for cross-attention width {cross_attention_dim}; only SD 1.5 "
            "(768) and SDXL (2048) are supported"
        )
    layers = sum(1 for k in keys if k.startswith("ip_adapter.") and k.endswith(".to_k_ip.weight"))
    details = {
        "variant": variant,
        "embedding_dim": embedding_dim,
        "cross_attention_dim": cross_attention_dim,
        "num_tokens": num_tokens,
        "attention_layers": layers,
    }
    return DetectedModel(ModelKind.ip_adapter, architecture, path, (path.name,), details)


def _detect_single_file(path: Path, header: dict[str, dict]) -> DetectedModel:
    keys = header.keys()
    if any(k.startswith("conditioner.embedders.1.") for k in keys):
        architecture = "sdxl"
    else:
        probe = "model.diffusion_model.input_blocks.1.1.transformer_blocks.0.attn2.to_k.weight"
        if probe not in keys:
            raise ModelError(f"{path}: a checkpoint of an unknown Stable Diffusion layout")
        width = _size(path, header, probe, 1)
        if width != 768:
            raise ModelError(
                f"{path}: a Stable Diffusion checkpoint with text width {width} (SD 2.x?); only "
                "SD 1.5 and SDXL are supported"
            )
        architecture = "sd15"
    missing = [
        prefix
        for prefix in ("first_stage_model.", _text_encoder_prefix(architecture))
        if not any(k.startswith(prefix) for k in keys)
    ]
    if missing:
        raise ModelError(
            f"{path}: the checkpoint lacks {', '.join(missing)} (a UNet-only file); use a full "
            "checkpoint or a diffusers folder"
        )
    return DetectedModel(ModelKind.single_file, architecture, path, (path.name,), {})


def _text_encoder_prefix(architecture: str) -> str:
    return "conditioner.embedders.0." if architecture == "sdxl" else "cond_stage_model."


def _detect_pipeline_folder(root: Path) -> DetectedModel:
    index = _read_json(root / "model_index.json")
    class_name = index.get("_class_name")
    architecture = PIPELINE_ARCHITECTURE.get(class_name)
    if architecture is None:
        raise ModelError(
            f"{root}: a {class_name} pipeline; only StableDiffusionPipeline (SD 1.5) and "
            "StableDiffusionXLPipeline (SDXL) are supported"
        )
    files: list[str] = ["model_index.json"]
    for component in PIPELINE_COMPONENTS[architecture]:
        files += _component_files(root, component)
    if architecture == "sd15":
        width = _read_json(root / "unet" / "config.json").get("cross_attention_dim")
        if width != 768:
            raise ModelError(
                f"{root}: the UNet's text width is {width} (SD 2.x?); only SD 1.5 and SDXL"
            )
    for tokenizer in TOKENIZERS[architecture]:
        folder = root / tokenizer
        if not folder.is_dir():
            raise ModelError(f"{root}: the pipeline has no {tokenizer}/ folder")
        files += sorted(str(p.relative_to(root)) for p in folder.iterdir() if p.is_file())
    scheduler = root / "scheduler" / "scheduler_config.json"
    if not scheduler.is_file():
        raise ModelError(f"{root}: the pipeline has no scheduler/scheduler_config.json")
    files.append("scheduler/scheduler_config.json")
    return DetectedModel(ModelKind.diffusers, architecture, root, tuple(files), {})


def _component_files(root: Path, component: str) -> list[str]:
    """The config and the safetensors weights of one component; pickles alone are refused."""
    folder = root / component
    if not (folder / "config.json").is_file():
        raise ModelError(f"{root}: the pipeline has no {component}/config.json")
    weights = sorted(p for p in folder.iterdir() if p.name.endswith(".safetensors"))
    if not weights:
        pickles = [p.name for p in folder.iterdir() if p.suffix.lower() in PICKLE_SUFFIXES]
        reason = (
            f"only pickle weights ({', '.join(pickles)}), which can run code when loaded"
            if pickles
            else "no weights"
        )
        raise ModelError(
            f"{folder}: {reason}; DRC Desktop needs .safetensors weights in every component"
        )
    indexes = sorted(p for p in folder.iterdir() if p.name.endswith(".safetensors.index.json"))
    return [str(p.relative_to(root)) for p in [folder / "config.json", *weights, *indexes]]


def _detect_image_encoder(root: Path) -> DetectedModel:
    config = _read_json(root / "config.json")
    if "CLIPVisionModelWithProjection" not in config.get("architectures", []):
        raise ModelError(
            f"{root}: not a CLIP image encoder (config.json names "
            f"{', '.join(config.get('architectures', [])) or 'no architecture'})"
        )
    weights = sorted(p.name for p in root.iterdir() if p.name.endswith(".safetensors"))
    if not weights:
        raise ModelError(f"{root}: no .safetensors weights (pickle .bin files are not loaded)")
    vision = config.get("vision_config", config)
    details = {
        "hidden_size": vision["hidden_size"],
        "projection_dim": config.get("projection_dim", vision.get("projection_dim")),
        "image_size": vision.get("image_size", 224),
    }
    files = ("config.json", *weights)
    extra = [n for n in ("preprocessor_config.json",) if (root / n).is_file()]
    return DetectedModel(ModelKind.image_encoder, None, root, (*files, *extra), details)


def adapter_fits_encoder(adapter: dict, encoder: dict) -> bool:
    """Whether an IP-Adapter reads this encoder's output: base adapters read the projected
    image embedding (``projection_dim``), "plus" adapters the penultimate hidden states
    (``hidden_size``)."""
    wanted = encoder["hidden_size"] if adapter["variant"] == "plus" else encoder["projection_dim"]
    return adapter["embedding_dim"] == wanted


def _read_json(path: Path) -> dict:
    text = read_user_file(path, MAX_CONFIG_BYTES, ModelError)
    try:
        data = json.loads(text.decode("utf-8"))
    except (ValueError, RecursionError):
        raise ModelError(f"{path}: not valid JSON") from None
    if not isinstance(data, dict):
        raise ModelError(f"{path}: not a JSON object")
    return data
