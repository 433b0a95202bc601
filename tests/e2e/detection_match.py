"""Compares two sets of detections insensitively to the order of equal (or nearly equal) scores.

Outputs are the arrays of one image's detection dict in key order, every one with the detection
count as its first axis and `scores` last (boxes, labels, scores; masks and keypoints between).
"""
import numpy as np


def _labels(outputs):
    ints = [o for o in outputs[:-1] if np.issubdtype(o.dtype, np.integer) and o.ndim == 1]
    return ints[0] if ints else np.zeros(len(outputs[-1]), np.int64)


def match(expected, got, score_tol=1e-4, box_tol=1e-2, score_rel=1e-3):
    """The permutation p with got[p[i]] the detection expected[i] is, or raises AssertionError.

    A detection matches when its label is equal and its score (within score_tol + score_rel of
    it) and box (outputs[0]) are within the tolerances; among several candidates the nearest box
    wins."""
    if len(expected) != len(got):
        raise AssertionError(f"{len(got)} outputs, expected {len(expected)}")
    n, m = len(expected[-1]), len(got[-1])
    if n != m:
        raise AssertionError(f"{m} detections, expected {n}")
    e_scores, g_scores = expected[-1].astype(np.float64), got[-1].astype(np.float64)
    e_boxes, g_boxes = expected[0].astype(np.float64), got[0].astype(np.float64)
    e_labels, g_labels = _labels(expected), _labels(got)
    used = np.zeros(m, bool)
    perm = np.zeros(n, np.int64)
    for i in np.argsort(-e_scores, kind="stable"):
        near = (~used) & (np.abs(g_scores - e_scores[i]) <= score_tol + score_rel * abs(e_scores[i]))
        near &= g_labels == e_labels[i]
        dist = np.abs(g_boxes - e_boxes[i]).max(axis=1)
        near &= dist <= box_tol * (1.0 + np.abs(e_boxes[i]).max())
        if not near.any():
            raise AssertionError(
                f"detection {i} (label {e_labels[i]}, score {e_scores[i]:.6f}, box "
                f"{e_boxes[i].round(3).tolist()}) has no match")
        j = int(np.argmin(np.where(near, dist, np.inf)))
        used[j] = True
        perm[i] = j
    return perm


def max_error(expected, got, **tolerances):
    """The largest absolute difference over the float outputs once detections are matched
    (`tolerances` as match takes them)."""
    perm = match(expected, got, **tolerances)
    worst = 0.0
    for e, g in zip(expected, got):
        if np.issubdtype(e.dtype, np.floating) and len(e):
            worst = max(worst, float(np.abs(g[perm].astype(np.float64) - e).max()))
        elif len(e):
            np.testing.assert_array_equal(g[perm].astype(e.dtype), e)
    return worst
