"""Specification of the fusion network: style part + semantic part -> latent instruction."""

from __future__ import annotations

import pytest
import torch

from drc_desktop.ml.drc.fusion import FusionNetwork, InstructionDecoder, LatentInstruction

DIM, PART_TOKENS, INSTRUCTION_TOKENS, POOLED = 16, 16, 8, 16
BATCH = 3


@pytest.fixture(scope="module")
def fusion() -> FusionNetwork:
    torch.manual_seed(0)
    return FusionNetwork(DIM, PART_TOKENS, INSTRUCTION_TOKENS, POOLED).eval()


@pytest.fixture
def parts() -> tuple[torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(1)
    return (
        torch.randn(BATCH, PART_TOKENS, DIM, generator=generator),
        torch.randn(BATCH, PART_TOKENS, DIM, generator=generator),
    )


def assert_same_instruction(a: LatentInstruction, b: LatentInstruction) -> None:
    torch.testing.assert_close(a.tokens, b.tokens, rtol=1e-4, atol=1e-5)
    torch.testing.assert_close(a.pooled, b.pooled, rtol=1e-4, atol=1e-5)


@torch.no_grad()
def test_instruction_has_k_tokens_and_one_pooled_vector(fusion, parts):
    instruction = fusion(*parts)
    assert instruction.tokens.shape == (BATCH, INSTRUCTION_TOKENS, DIM)
    assert instruction.pooled.shape == (BATCH, POOLED)


@torch.no_grad()
def test_instruction_depends_on_both_parts(fusion, parts):
    style, semantics = parts
    full = fusion(style, semantics)
    other_style = fusion(torch.randn_like(style), semantics)
    other_semantics = fusion(style, torch.randn_like(semantics))
    assert (full.tokens - other_style.tokens).abs().mean() > 1e-3
    assert (full.tokens - other_semantics.tokens).abs().mean() > 1e-3


@torch.no_grad()
def test_absent_style_uses_the_learned_null_style(fusion, parts):
    _, semantics = parts
    expected = fusion.compose(fusion.null_style.expand(BATCH, -1, -1), semantics)
    assert_same_instruction(fusion(None, semantics), expected)


@torch.no_grad()
def test_absent_semantics_use_the_learned_null_semantics(fusion, parts):
    style, _ = parts
    expected = fusion.compose(style, fusion.null_semantics.expand(BATCH, -1, -1))
    assert_same_instruction(fusion(style, None), expected)


@torch.no_grad()
def test_no_parts_at_all_needs_the_batch_size(fusion):
    instruction = fusion(None, None, batch=BATCH)
    assert instruction.tokens.shape == (BATCH, INSTRUCTION_TOKENS, DIM)
    # Every sample gets the same unconditional instruction.
    torch.testing.assert_close(instruction.tokens[0], instruction.tokens[-1])


@torch.no_grad()
def test_dropping_no_part_is_plain_composition(fusion, parts):
    keep = torch.zeros(BATCH, dtype=torch.bool)
    assert_same_instruction(fusion.drop_parts(*parts, keep, keep), fusion.compose(*parts))


@torch.no_grad()
def test_dropping_every_part_is_the_unconditional_instruction(fusion, parts):
    drop = torch.ones(BATCH, dtype=torch.bool)
    assert_same_instruction(fusion.drop_parts(*parts, drop, drop), fusion(None, None, batch=BATCH))


@torch.no_grad()
def test_dropout_is_decided_per_sample(fusion, parts):
    style, semantics = parts
    drop_style = torch.tensor([True, False, False])
    drop_semantics = torch.tensor([False, True, False])
    mixed = fusion.drop_parts(style, semantics, drop_style, drop_semantics)
    assert_same_instruction(
        LatentInstruction(mixed.tokens[:1], mixed.pooled[:1]), fusion(None, semantics[:1])
    )
    assert_same_instruction(
        LatentInstruction(mixed.tokens[1:2], mixed.pooled[1:2]), fusion(style[1:2], None)
    )
    assert_same_instruction(
        LatentInstruction(mixed.tokens[2:], mixed.pooled[2:]), fusion(style[2:], semantics[2:])
    )


def test_null_parts_are_learned(fusion, parts):
    style, _ = parts
    fusion.zero_grad()
    fusion(style, None).tokens.sum().backward()
    assert fusion.null_semantics.grad is not None
    assert fusion.null_semantics.grad.abs().sum() > 0
    fusion.zero_grad()


@torch.no_grad()
def test_instruction_decoder_maps_back_to_encoder_tokens(fusion, parts):
    torch.manual_seed(0)
    decoder = InstructionDecoder(DIM, num_tokens=16, token_dim=24, pooled_dim=POOLED).eval()
    assert decoder(fusion(*parts)).shape == (BATCH, 16, 24)


def test_cat_stacks_instructions_along_the_batch(fusion, parts):
    with torch.no_grad():
        a, b = fusion(*parts), fusion(None, None, batch=2)
    both = LatentInstruction.cat([a, b])
    assert both.tokens.shape == (BATCH + 2, INSTRUCTION_TOKENS, DIM)
    assert torch.equal(both.pooled[BATCH:], b.pooled)
