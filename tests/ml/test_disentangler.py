"""Specification of the dual-tower disentangler (DESIGN.md §2, stage 1)."""

from __future__ import annotations

import pytest
import torch

from drc_desktop.ml.drc.disentangler import Disentangler, Tower

TOKEN_DIM, PART_DIM, TOKENS = 16, 16, 16


@pytest.fixture(scope="module")
def disentangler() -> Disentangler:
    torch.manual_seed(0)
    return Disentangler(TOKEN_DIM, PART_DIM, TOKENS).eval()


def test_tower_output_has_one_part_token_per_query_token_for_any_context_length():
    torch.manual_seed(0)
    tower = Tower(TOKEN_DIM, PART_DIM, TOKENS).eval()
    query = torch.randn(2, TOKENS, TOKEN_DIM)
    for context_tokens in (TOKENS, 3 * TOKENS, 5):
        out = tower(query, torch.randn(2, context_tokens, TOKEN_DIM))
        assert out.shape == (2, TOKENS, PART_DIM)


def test_tower_reads_the_pair_changing_the_context_changes_the_part():
    torch.manual_seed(0)
    tower = Tower(TOKEN_DIM, PART_DIM, TOKENS).eval()
    query = torch.randn(2, TOKENS, TOKEN_DIM)
    with torch.no_grad():
        first = tower(query, torch.randn(2, TOKENS, TOKEN_DIM))
        second = tower(query, torch.randn(2, TOKENS, TOKEN_DIM))
    assert (first - second).abs().mean() > 1e-3


def test_tower_samples_do_not_mix_across_the_batch():
    torch.manual_seed(0)
    tower = Tower(TOKEN_DIM, PART_DIM, TOKENS).eval()
    query, context = torch.randn(2, TOKENS, TOKEN_DIM), torch.randn(2, TOKENS, TOKEN_DIM)
    with torch.no_grad():
        both = tower(query, context)
        alone = tower(query[:1], context[:1])
    torch.testing.assert_close(both[:1], alone, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("count", [1, 3])
def test_style_of_history_gives_one_style_part_per_sample(disentangler, count):
    history = torch.randn(2, count, TOKENS, TOKEN_DIM)
    with torch.no_grad():
        style = disentangler.style_of_history(history)
    assert style.shape == (2, TOKENS, PART_DIM)


def test_a_single_history_image_queries_itself(disentangler):
    history = torch.randn(2, 1, TOKENS, TOKEN_DIM)
    with torch.no_grad():
        style = disentangler.style_of_history(history)
        expected = disentangler.style_tower(history[:, 0], history[:, 0])
    torch.testing.assert_close(style, expected)


def test_history_style_does_not_depend_on_the_order_of_the_images(disentangler):
    history = torch.randn(2, 3, TOKENS, TOKEN_DIM)
    with torch.no_grad():
        style = disentangler.style_of_history(history)
        for order in ([2, 0, 1], [1, 2, 0], [0, 2, 1]):
            permuted = disentangler.style_of_history(history[:, order])
            torch.testing.assert_close(permuted, style, rtol=1e-4, atol=1e-5)


def test_history_style_depends_on_every_history_image(disentangler):
    history = torch.randn(1, 3, TOKENS, TOKEN_DIM)
    changed = history.clone()
    changed[:, 2] = torch.randn(TOKENS, TOKEN_DIM)
    with torch.no_grad():
        before = disentangler.style_of_history(history)
        after = disentangler.style_of_history(changed)
    assert (before - after).abs().mean() > 1e-3


def test_reference_semantics_come_from_the_semantic_tower(disentangler):
    variant, partner = torch.randn(2, TOKENS, TOKEN_DIM), torch.randn(2, TOKENS, TOKEN_DIM)
    with torch.no_grad():
        semantics = disentangler.semantics_of_reference(variant, partner)
        style_reading = disentangler.style_tower(variant, partner)
    assert semantics.shape == (2, TOKENS, PART_DIM)
    torch.testing.assert_close(semantics, disentangler.sem_tower(variant, partner))
    assert not torch.allclose(semantics, style_reading)
