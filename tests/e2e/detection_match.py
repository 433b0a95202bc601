"""Compares two sets of detections insensitively to the order of equal (or nearly equal) scores.

Outputs are the arrays of one image's detection dict in key order, every one with the detection
count as its first axis and `scores` last (boxes, labels, scores; masks and keypoints between).
"""
import numpy as np


def _labels(outputs):
    ints = [o for o in outputs[:-1] if np.issubdtype(o.dtype, np.integer) and o.ndim == 1]
    return ints[0] if ints else np.zeros(len(outputs[-1]), np.int64)


def _pairs(expected, got, score_tol, box_tol, score_rel):
    """[(i, j)]: got[j] is the detection expected[i] is, greedily from the highest score, and
    the expected indices without one."""
    e_scores, g_scores = expected[-1].astype(np.float64), got[-1].astype(np.float64)
    e_boxes, g_boxes = expected[0].astype(np.float64), got[0].astype(np.float64)
    e_labels, g_labels = _labels(expected), _labels(got)
    used = np.zeros(len(g_scores), bool)
    pairs, unmatched = [], []
    for i in np.argsort(-e_scores, kind="stable"):
        near = (~used) & (np.abs(g_scores - e_scores[i]) <= score_tol + score_rel * abs(e_scores[i]))
        near &= g_labels == e_labels[i]
        dist = np.abs(g_boxes - e_boxes[i]).max(axis=1) if len(g_boxes) else np.zeros(0)
        near &= dist <= box_tol * (1.0 + np.abs(e_boxes[i]).max())
        if not near.any():
            unmatched.append(int(i))
            continue
        j = int(np.argmin(np.where(near, dist, np.inf)))
        used[j] = True
        pairs.append((int(i), j))
    return pairs, unmatched


def agreement(expected, got, score_tol=1e-4, box_tol=1e-2, score_rel=3e-3):
    """For models whose own detections move with float noise (the ResNet-50 ones with random
    weights: a box at the detection limit, a suppression at the IoU threshold, the argmax of a
    flat keypoint heatmap): (the fraction of detections matched one to one, over the larger
    count; the largest box difference of the matched ones; for each other float output, the
    median over the matched detections of each one's mean absolute difference: a mask or a
    keypoint that flipped is one detection, a wrong lowering is all of them)."""
    if len(expected) != len(got):
        raise AssertionError(f"{len(got)} outputs, expected {len(expected)}")
    pairs, _ = _pairs(expected, got, score_tol, box_tol, score_rel)
    total = max(len(expected[-1]), len(got[-1]), 1)
    ii = np.array([p[0] for p in pairs], np.int64)
    jj = np.array([p[1] for p in pairs], np.int64)
    box_error = float(np.abs(got[0][jj].astype(np.float64) - expected[0][ii]).max()) if pairs else 0.0
    medians = []
    for e, g in zip(expected[1:-1], got[1:-1]):
        if np.issubdtype(e.dtype, np.floating) and pairs:
            rows = np.abs(g[jj].astype(np.float64) - e[ii]).reshape(len(pairs), -1).mean(axis=1)
            medians.append(float(np.median(rows)))
    return len(pairs) / total, box_error, medians


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
    e_scores = expected[-1].astype(np.float64)
    pairs, unmatched = _pairs(expected, got, score_tol, box_tol, score_rel)
    if unmatched:
        i = unmatched[0]
        raise AssertionError(
            f"detection {i} (label {_labels(expected)[i]}, score {e_scores[i]:.6f}, box "
            f"{expected[0][i].round(3).tolist()}) has no match")
    perm = np.zeros(n, np.int64)
    for i, j in pairs:
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
