"""Specification of difficulty-aware importance sampling (docs/method.md): hard cells are
drawn more often, and the importance weights keep the loss estimate unbiased."""

from __future__ import annotations

import pytest
import torch

from drc_desktop.ml.drc.importance import DifficultySampler, ImportanceConfig

CELLS = 5
LOSSES = torch.tensor([0.5, 1.0, 4.0, 0.1, 2.0])


def sampler_with_losses(config: ImportanceConfig) -> DifficultySampler:
    sampler = DifficultySampler(CELLS, config)
    sampler.losses = LOSSES.clone()
    return sampler


def weight_per_cell(sampler: DifficultySampler, draws: int = 4000) -> torch.Tensor:
    """The importance weight of every cell, read from what ``sample`` returns."""
    cells, weights = sampler.sample(draws, torch.Generator().manual_seed(0))
    per_cell = torch.full((CELLS,), float("nan"))
    for cell in range(CELLS):
        seen = weights[cells == cell]
        assert seen.numel() > 0, f"cell {cell} was never drawn"
        torch.testing.assert_close(seen, seen[:1].expand_as(seen))  # one weight per cell
        per_cell[cell] = seen[0]
    return per_cell


def test_disabled_sampling_is_uniform_with_unit_weights():
    sampler = sampler_with_losses(ImportanceConfig(enabled=False))
    torch.testing.assert_close(sampler.probabilities, torch.full((CELLS,), 1.0 / CELLS))
    _, weights = sampler.sample(64, torch.Generator().manual_seed(0))
    assert torch.equal(weights, torch.ones(64))


def test_probabilities_are_a_distribution():
    p = sampler_with_losses(ImportanceConfig()).probabilities
    assert p.shape == (CELLS,)
    assert (p > 0).all()
    torch.testing.assert_close(p.sum(), torch.tensor(1.0))


def test_harder_cells_are_more_likely():
    p = sampler_with_losses(ImportanceConfig()).probabilities
    assert torch.equal(torch.argsort(p), torch.argsort(LOSSES))


def test_mixing_keeps_every_cell_reachable():
    config = ImportanceConfig(mix=0.3)
    sampler = DifficultySampler(CELLS, config)
    sampler.losses = torch.tensor([0.0, 0.0, 0.0, 0.0, 100.0])
    assert sampler.probabilities.min() >= config.mix / CELLS - 1e-7


def test_drawn_frequencies_follow_the_probabilities():
    sampler = sampler_with_losses(ImportanceConfig())
    cells, _ = sampler.sample(20000, torch.Generator().manual_seed(1))
    frequencies = torch.bincount(cells, minlength=CELLS).float() / cells.numel()
    torch.testing.assert_close(frequencies, sampler.probabilities, atol=0.015, rtol=0)


@pytest.mark.parametrize("alpha", [0.5, 1.0, 2.0])
def test_weighted_expectation_equals_the_uniform_mean_exactly(alpha):
    sampler = sampler_with_losses(ImportanceConfig(alpha=alpha))
    p = sampler.probabilities
    w = weight_per_cell(sampler)
    f = torch.tensor([3.0, -1.0, 0.25, 7.0, 2.0])  # any per-cell quantity
    torch.testing.assert_close((p * w * f).sum(), f.mean())


def test_weighted_sample_mean_estimates_the_uniform_mean():
    sampler = sampler_with_losses(ImportanceConfig())
    f = torch.tensor([3.0, -1.0, 0.25, 7.0, 2.0])
    cells, weights = sampler.sample(40000, torch.Generator().manual_seed(2))
    estimate = (weights * f[cells]).mean()
    assert abs(estimate.item() - f.mean().item()) < 0.1
    # Without the weights the estimate is biased toward the hard cells.
    assert abs(f[cells].mean().item() - f.mean().item()) > 0.3


def test_update_moves_each_seen_cell_toward_its_observed_loss():
    config = ImportanceConfig(decay=0.9, initial_loss=1.0)
    sampler = DifficultySampler(CELLS, config)
    sampler.update(torch.tensor([0, 0, 1]), torch.tensor([3.0, 5.0, 0.0]))
    # Cell 0 saw a mean loss of 4, cell 1 of 0; the others were not seen.
    expected = torch.tensor([0.9 * 1.0 + 0.1 * 4.0, 0.9 * 1.0, 1.0, 1.0, 1.0])
    torch.testing.assert_close(sampler.losses, expected)


def test_repeated_updates_converge_to_the_observed_loss():
    sampler = DifficultySampler(CELLS, ImportanceConfig(decay=0.5))
    for _ in range(40):
        sampler.update(torch.tensor([2]), torch.tensor([0.25]))
    assert abs(sampler.losses[2].item() - 0.25) < 1e-4
    assert sampler.losses[0].item() == ImportanceConfig().initial_loss


def test_update_ignores_gradients_of_the_losses():
    sampler = DifficultySampler(CELLS, ImportanceConfig())
    losses = torch.tensor([2.0], requires_grad=True)
    sampler.update(torch.tensor([1]), losses)
    assert not sampler.losses.requires_grad
