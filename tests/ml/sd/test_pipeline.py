"""The diffusers backend on tiny SD 1.5 / SDXL models: registry, block routing, generation."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
import torch
from PIL import Image

from drc_desktop.core.errors import InputError, ModelError
from drc_desktop.core.requests import GenerationRequest
from drc_desktop.ml.backend import final_images
from drc_desktop.ml.sd import ip_adapter
from drc_desktop.ml.sd.pipeline import SdBackend
from drc_desktop.services.models import check_files, register
from drc_desktop.store.vault import Vault

PASSPHRASE = "sd backend passphrase"


@pytest.fixture
def vault(tmp_path):
    with Vault.create(tmp_path / "home", PASSPHRASE) as opened:
        yield opened


def register_all(vault, models, architecture: str):
    register(vault, models["encoder"], name="encoder")
    register(vault, models[f"ip-{architecture}"], name=f"ip-{architecture}")
    return register(vault, models[architecture], name=architecture)


@pytest.fixture(scope="module")
def backends(tiny_sd_models, tmp_path_factory):
    """Both tiny pipelines loaded once for the module (registry in a throwaway vault)."""
    loaded = {}
    with Vault.create(tmp_path_factory.mktemp("vault") / "home", PASSPHRASE) as vault:
        register(vault, tiny_sd_models["encoder"], name="encoder")
        for architecture in ("sd15", "sdxl"):
            register(vault, tiny_sd_models[f"ip-{architecture}"], name=f"ip-{architecture}")
            model = register(vault, tiny_sd_models[architecture], name=architecture)
            loaded[architecture] = SdBackend.load(vault.models, model)
    return loaded


def generate(backend, history, reference, request, adapter=None, should_stop=None):
    """Images from a reference image through the protocol (None when stopped)."""
    features = backend.reference_features(reference, request)
    steps = backend.generate(
        history, features, request, profile_adapter=adapter, should_stop=should_stop
    )
    return final_images(steps)


def images(count: int) -> list[Image.Image]:
    rng = np.random.default_rng(0)
    return [
        Image.fromarray(rng.integers(0, 255, (40, 48, 3), dtype=np.uint8)) for _ in range(count)
    ]


def test_pipeline_links_adapter_and_encoder_by_embedding_size(vault, tiny_sd_models):
    model = register_all(vault, tiny_sd_models, "sd15")
    assert (model.ip_adapter, model.image_encoder) == ("ip-sd15", "encoder")
    other = register(vault, tiny_sd_models["sdxl"], name="xl")  # no SDXL adapter yet
    assert other.ip_adapter is None
    register(vault, tiny_sd_models["ip-sdxl"], name="ip-xl")  # links the waiting pipeline
    assert vault.models.get("xl").ip_adapter == "ip-xl"
    with pytest.raises(InputError, match="not an IP-Adapter for sdxl"):
        register(vault, tiny_sd_models["sdxl"], name="xl2", ip_adapter="ip-sd15")
    register(vault, tiny_sd_models["plus"], name="plus")
    with pytest.raises(InputError, match="embeddings of another size"):
        register(
            vault, tiny_sd_models["sd15"], name="p", ip_adapter="plus", image_encoder="encoder"
        )


def test_a_changed_file_is_refused_at_load(vault, tiny_sd_models, tmp_path):
    copy = shutil.copytree(tiny_sd_models["sd15"], tmp_path / "sd15")
    register(vault, tiny_sd_models["encoder"], name="encoder")
    register(vault, tiny_sd_models["ip-sd15"], name="ip")
    model = register(vault, copy, name="mine")
    check_files(model)
    with (copy / "vae" / "diffusion_pytorch_model.safetensors").open("r+b") as handle:
        handle.seek(-8, 2)
        handle.write(b"tampered")
    with pytest.raises(ModelError, match=r"vae/diffusion_pytorch_model.safetensors changed"):
        check_files(model)
    with pytest.raises(ModelError, match="changed since it was registered"):
        SdBackend.load(vault.models, model)


def test_remove_is_refused_while_used_or_linked(vault, tiny_sd_models):
    register_all(vault, tiny_sd_models, "sd15")
    vault.profiles.create("Bob", "sd15")
    with pytest.raises(InputError, match="used by profile 'Bob'"):
        vault.models.remove("sd15")
    with pytest.raises(InputError, match="linked to 'sd15'"):
        vault.models.remove("encoder")
    vault.profiles.delete("Bob")
    vault.models.remove("sd15")
    vault.models.remove("encoder")
    assert [m.name for m in vault.models.list()] == ["ip-sd15"]


@pytest.mark.parametrize(
    ("architecture", "style", "layout"),
    [
        ("sdxl", ["up_blocks.0.attentions.1."], ["down_blocks.2.attentions.1."]),
        ("sd15", ["up_blocks.1."], ["down_blocks.2.", "mid_block."]),
    ],
)
def test_block_maps_select_the_documented_layers(backends, architecture, style, layout):
    selected = backends[architecture].selected
    for role, prefixes in (("style", style), ("layout", layout)):
        assert selected[role], role
        assert all(name.startswith(tuple(prefixes)) for name in selected[role])
        assert {p for p in prefixes if any(n.startswith(p) for n in selected[role])} == set(
            prefixes
        )
    unet = backends[architecture].pipe.unet
    ip_adapter.route(unet, selected, 0.7, 0.4)
    for name, processor in ip_adapter.ip_attention_layers(unet).items():
        expected = [0.7 * (name in selected["style"]), 0.4 * (name in selected["layout"])]
        assert processor.scale == pytest.approx(expected)


def test_a_block_map_that_selects_nothing_is_an_error(backends, monkeypatch):
    monkeypatch.setitem(ip_adapter.BLOCK_MAPS, "sd15", {"style": ("up_blocks.9.",),
                                                       "layout": ("down_blocks.2.",)})  # fmt: skip
    with pytest.raises(ModelError, match=r"style block map of sd15.*selects no"):
        ip_adapter.select(backends["sd15"].pipe.unet, "sd15")


@pytest.mark.parametrize("architecture", ["sd15", "sdxl"])
def test_both_strengths_change_the_output(backends, architecture):
    backend = backends[architecture]
    history = backend.describe(images(2))
    reference = images(3)[2]
    outputs = {}
    for style, semantic in ((1.0, 1.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0)):
        request = GenerationRequest(
            profile_id=1, method="training-free", n=1, steps=2, size=64, seed=3,
            style_strength=style, semantic_strength=semantic,
        )  # fmt: skip
        result = generate(backend, history, reference, request)
        assert result[0].size == (64, 64)
        outputs.setdefault((style, semantic), []).append(np.asarray(result[0]).astype(int))
    first, again = outputs[1.0, 1.0]
    assert np.array_equal(first, again)  # deterministic for a seed
    assert np.abs(outputs[0.0, 1.0][0] - first).mean() > 1
    assert np.abs(outputs[1.0, 0.0][0] - first).mean() > 1


def test_embeddings_with_and_without_classifier_free_guidance(backends):
    backend = backends["sd15"]
    history = backend.describe(images(3))
    (reference,) = backend.describe(images(1))
    guided = backend.embeddings(history, reference, guided=True)
    single = backend.embeddings(history, reference, guided=False)
    width = history[0].style.shape[-1]
    assert [tuple(e.shape) for e in guided] == [(2, 1, 1, width)] * 2
    assert [tuple(e.shape) for e in single] == [(1, 1, 1, width)] * 2
    assert torch.count_nonzero(guided[0][0]) == 0  # base adapters: zeros as the negative
    np.testing.assert_allclose(guided[0][1, 0].numpy(), np.mean([h.style for h in history], 0))
    request = GenerationRequest(
        profile_id=1, method="training-free", n=2, steps=1, size=64, guidance_scale=1.0
    )
    assert not backend.guides(request)
    assert len(generate(backend, history, images(1)[0], request)) == 2


def test_plus_adapters_get_hidden_states_and_the_zero_image_negative(backends, monkeypatch):
    backend = backends["sd15"]
    monkeypatch.setattr(backend, "variant", "plus")
    history = backend.describe(images(2))
    style, _ = backend.embeddings(history, backend.describe(images(1))[0], guided=True)
    assert tuple(style.shape) == (2, 1, *history[0].features.shape)
    negative = backend.encoder.zero_image_features()[0]
    torch.testing.assert_close(style[0, 0], negative)


def test_cancel_stops_before_decoding(backends):
    backend = backends["sd15"]
    history = backend.describe(images(1))
    calls = []
    request = GenerationRequest(profile_id=1, method="training-free", n=1, steps=6, size=64)

    def stop_at_second_step() -> bool:
        calls.append(1)
        return len(calls) >= 2

    features = backend.reference_features(images(1)[0], request)
    progress = backend.generate(history, features, request, should_stop=stop_at_second_step)
    steps = [(step.step, step.total, step.images) for step in progress]
    assert steps == [(1, 6, None), (2, 6, None)]  # stopped after step 2, nothing decoded


def test_steps_come_from_one_long_lived_pipeline_thread(backends):
    backend = backends["sd15"]
    history = backend.describe(images(1))
    request = GenerationRequest(profile_id=1, method="training-free", n=1, steps=3, size=64)
    seen = []
    for _ in range(2):
        features = backend.reference_features(images(1)[0], request)
        steps = list(backend.generate(history, features, request))
        assert [s.step for s in steps] == [1, 2, 3, 3] and steps[-1].images is not None
        seen.append(backend._thread._thread)
    assert seen[0] is seen[1] and seen[0].is_alive()


def test_describe_keeps_reduced_features_embeddings_and_variants(backends):
    (vectors,) = backends["sdxl"].describe(images(1))
    encoder = backends["sdxl"].encoder
    assert vectors.features.shape == (17, encoder.token_dim)
    assert vectors.style.shape == (1, encoder.embedding_dim)
    assert vectors.variants.shape == (2, 17, encoder.token_dim)
    assert vectors.encoder == encoder.identity and vectors.encoder.startswith("encoder@")


def test_learned_composition_feeds_every_ip_layer(backends):
    from drc_desktop.ml.sd.profile_adapter import (
        AdapterConfig,
        train_profile_adapter,
    )

    backend = backends["sd15"]
    history = backend.describe(images(3))
    config = AdapterConfig(
        token_dim=history[0].features.shape[-1], num_tokens=history[0].features.shape[0],
        target="embedding", target_dim=history[0].style.size, part_dim=32, pooled_dim=32,
        steps=3, batch=4,
    )  # fmt: skip
    adapter, _ = train_profile_adapter(history, config)
    outputs = []
    for semantic in (1.0, 0.0):
        request = GenerationRequest(profile_id=1, method="drc", n=1, steps=2, size=64,
                                    semantic_strength=semantic)  # fmt: skip
        (image,) = generate(backend, history, images(1)[0], request, adapter=adapter)
        outputs.append(np.asarray(image).astype(int))
        for processor in ip_adapter.ip_attention_layers(backend.pipe.unet).values():
            assert processor.scale == [1.0, 0.0]
    assert np.abs(outputs[0] - outputs[1]).mean() > 0.5


def test_plus_adapter_generates_with_both_compositions(tiny_sd_models, vault):
    from drc_desktop.ml.sd.profile_adapter import (
        AdapterConfig,
        train_profile_adapter,
    )

    register(vault, tiny_sd_models["encoder"], name="encoder")
    register(vault, tiny_sd_models["plus-sd15"], name="plus")
    model = register(vault, tiny_sd_models["sd15"], name="sd15", ip_adapter="plus",
                     image_encoder="encoder")  # fmt: skip
    backend = SdBackend.load(vault.models, model)
    assert backend.variant == "plus"
    history = backend.describe(images(3))
    request = GenerationRequest(profile_id=1, method="training-free", n=1, steps=2, size=64)
    (free,) = generate(backend, history, images(1)[0], request)
    config = AdapterConfig(
        token_dim=history[0].features.shape[-1], num_tokens=history[0].features.shape[0],
        target="hidden", target_dim=history[0].features.shape[-1], part_dim=32, pooled_dim=32,
        steps=3, batch=4,
    )  # fmt: skip
    adapter, _ = train_profile_adapter(history, config)
    learned_request = GenerationRequest(profile_id=1, method="drc", n=1, steps=2, size=64)
    (learned,) = generate(backend, history, images(1)[0], learned_request, adapter=adapter)
    assert free.size == learned.size == (64, 64)
    assert np.abs(np.asarray(free).astype(int) - np.asarray(learned).astype(int)).mean() > 0.5
