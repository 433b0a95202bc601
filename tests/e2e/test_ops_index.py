"""Indexing, scatter/gather, embedding and tensor factories in ONNX Runtime against LibTorch
(op_cases.py runs the table). Factories of uninitialized or random values are checked for shape,
dtype and a statistical property instead of values."""
import unittest

import numpy as np

from harness import ConverterTest
from op_cases import BOOL, F32, Case, run_cases

IDX = np.array([2, 0, 1, 2], np.int64)


def same_shape_dtype(test, got, expected, label):
    """For uninitialized memory (empty, new_empty): only shapes and dtypes are defined."""
    test.assertEqual(len(got), len(expected), label)
    for g, e in zip(got, expected):
        test.assertEqual(g.shape, e.shape, label)
        test.assertEqual(g.dtype, e.dtype, label)


def random_stats(test, got, expected, label):
    """rand/randn/normal/bernoulli/multinomial: shapes, dtypes, ranges and rough moments."""
    test.assertEqual([g.shape for g in got], [e.shape for e in expected], label)
    test.assertEqual([g.dtype for g in got], [e.dtype for e in expected], label)
    uniform, normal, normal_like, shifted, coin, picks, uniform_like, around3 = got
    test.assertTrue(((uniform >= 0) & (uniform < 1)).all(), label)
    test.assertTrue(((uniform_like >= 0) & (uniform_like < 1)).all(), label)
    test.assertAlmostEqual(float(uniform.mean()), 0.5, delta=0.05, msg=label)
    test.assertAlmostEqual(float(normal.mean()), 0.0, delta=0.1, msg=label)
    test.assertAlmostEqual(float(normal.std()), 1.0, delta=0.1, msg=label)
    test.assertAlmostEqual(float(normal_like.std()), 1.0, delta=0.15, msg=label)
    test.assertAlmostEqual(float(shifted.mean()), 5.0, delta=0.2, msg=label)
    test.assertAlmostEqual(float(shifted.std()), 2.0, delta=0.2, msg=label)
    test.assertTrue(set(np.unique(coin)) <= {0.0, 1.0}, label)
    test.assertAlmostEqual(float(coin.mean()), 0.3, delta=0.05, msg=label)
    test.assertTrue(((picks == 1) | (picks == 3)).all(), label)  # zero weight elsewhere
    test.assertAlmostEqual(float(around3.mean()), 3.0, delta=0.05, msg=label)
    test.assertAlmostEqual(float(around3.std()), 0.5, delta=0.05, msg=label)


def dropout_stats(test, got, expected, label):
    """Training-mode dropout: kept elements are scaled by 1/(1-p), about p of them are zero."""
    test.assertEqual([g.shape for g in got], [e.shape for e in expected], label)
    x = np.full(got[0].shape, 1.0, np.float32)
    for out in got[:3]:
        kept = out != 0
        np.testing.assert_allclose(out[kept], x[kept] * 2.0, rtol=1e-6, err_msg=label)
        test.assertAlmostEqual(float(kept.mean()), 0.5, delta=0.06, msg=label)
    # feature dropout zeroes whole channels
    channels = got[2].reshape(got[2].shape[0], got[2].shape[1], -1)
    test.assertTrue(((channels == 0).all(-1) | (channels != 0).all(-1)).all(), label)
    for alpha in got[3:]:  # alpha dropout: the kept value and the dropped value, ~half each
        values, counts = np.unique(np.round(alpha, 5), return_counts=True)
        test.assertEqual(len(values), 2, label)
        test.assertAlmostEqual(counts[0] / alpha.size, 0.5, delta=0.06, msg=label)
    channels = got[4].reshape(got[4].shape[0], got[4].shape[1], -1)
    test.assertTrue((channels == channels[:, :, :1]).all(), label)


CASES = [
    # indexing
    Case("index", "x, i, m", "return x[i], x[:, i[:2]], x[i, i], x[m], x[1:, i[:3]][:, 0]", [F32(3, 4), IDX[:3], BOOL(3, 4)], 9),
    # Constant indices, which freezing folds into one constant list: a uint8 mask is a mask, and
    # index tensors on axes that are not adjacent put their broadcast shape first.
    Case("index_constant_lists", "x", "return x[torch.tensor([0, 1, 0], dtype=torch.uint8)], x[torch.tensor([True, False, True])], x[torch.tensor([[0, 2], [1, 1]]), :, torch.tensor([2, 1])], x[:, torch.tensor([0, 3]), torch.tensor([1, -1])]", [F32(3, 4, 5)], 9),
    # Masks among other indices, and masks over axes that do not start at 0 or over part of the
    # input: LibTorch reads each as the positions of its true elements.
    Case("index_masks_among_indices", "x, m, n, k", "y = x.clone()\n    y[m, torch.tensor([1])] = -1.0\n    y[:, k] = 2.0\n    return x[m, torch.tensor([1])], x[:, k], x[n], x[m, :, torch.tensor([4])], y", [F32(3, 4, 5), BOOL(3), BOOL(3, 4), BOOL(4, 5)], 9),
    Case("index_put", "x, i, v", "y = x.clone()\n    y[i] = v\n    z = x.clone()\n    z[z > 0] = 0.0\n    w = x.clone()\n    w[:, 1] = v[0, 0]\n    w[1:, 2:] = v[:, :2]\n    u = x.clone()\n    u.index_put_((i,), v, accumulate=True)\n    return y, z, w, u", [F32(3, 4), np.array([2, 0], np.int64), F32(2, 4)], 11),
    Case("index_put_9", "x, v", "y = x.clone()\n    y[y > 0] = 0.0\n    z = x.clone()\n    z[:, 1] = v\n    return y, z", [F32(3, 4), F32(3)], 9, highest=10),
    # A source of lower rank: each of its slices along dim broadcasts against x's slice.
    Case("index_add_low_rank_source", "x, i, s, j, t", "return x.index_add(0, i, s), x.index_add(1, j, t)", [F32(5, 4, 3), np.array([0, 2, 3, 1, 4], np.int64), F32(5, 1), np.array([0, 2], np.int64), F32(3, 2)], 9),
    Case("index_ops", "x, i, s", "return torch.index_select(x, 1, i), x.index_add(0, i[:2], s), x.index_copy(0, i[:2], s), x.index_fill(1, i[:2], -1.0)", [F32(3, 4), np.array([2, 1, 3], np.int64), F32(2, 4)], 9),
    Case("gather_scatter", "x, i, s", "return torch.gather(x, 1, i), torch.scatter(x, 1, i, s), torch.scatter(x, 1, i, 2.5), torch.scatter_add(x, 1, i, s), x.scatter_add(0, i[:1], s[:1])", [F32(3, 4), np.array([[0, 1], [3, 2], [1, 0]], np.int64), F32(3, 2)], 11),
    Case("scatter_reduce", "x, i, s", "return x.scatter_reduce(1, i, s, 'sum'), x.scatter_reduce(0, i, s, 'prod'), torch.scatter_reduce(x, 1, i, s, reduce='sum', include_self=True)", [F32(3, 4), np.array([[0, 1, 0], [2, 0, 2], [1, 1, 1]], np.int64), F32(3, 3)], 16),
    Case("gather_9", "x, i", "return torch.gather(x, 1, i), torch.scatter(x, 1, i, 7.0)", [F32(3, 4), np.array([[0, 1], [3, 2], [1, 0]], np.int64)], 9),
    Case("masked", "x, m, s", "return x.masked_fill(m, -2.0), torch.masked_select(x, m), x.masked_fill(m, s.sum())", [F32(3, 4), BOOL(3, 4), F32(12)], 9),
    Case("masked_scatter", "x, m, s", "return x.masked_scatter(m, s)", [F32(3, 4), BOOL(3, 4), F32(12)], 11),
    Case("take_nonzero", "x, i", "return torch.take(x, i), torch.nonzero(x > 0), torch.where(x > 0), (x > 0).nonzero_numpy()", [F32(3, 4), np.array([[0, 11], [5, 7]], np.int64)], 9),
    Case("embedding", "w, i", "return torch.nn.functional.embedding(i, w), torch.nn.functional.embedding(i, w, padding_idx=0)", [F32(6, 3), np.array([[0, 5, 2], [1, 1, 4]], np.int64)], 9),
    Case("embedding_renorm", "w, i", "v = w.clone()\n    torch.embedding_renorm_(v, i, 1.0, 2.0)\n    return torch.nn.functional.embedding(i, v), v", [F32(6, 3) * 2, np.array([[0, 5, 2], [1, 1, 4]], np.int64)], 11),
    Case("embedding_bag", "w, i, o", "return torch.nn.functional.embedding_bag(i, w, o, mode='sum'), torch.nn.functional.embedding_bag(i, w, o, mode='mean'), torch.nn.functional.embedding_bag(i, w, o, mode='max'), torch.nn.functional.embedding_bag(i.view(2, 3), w)", [F32(6, 3), np.array([0, 5, 2, 1, 1, 4], np.int64), np.array([0, 2], np.int64)], 9),
    Case("one_hot_bucketize", "i, x, b", "return torch.nn.functional.one_hot(i, 5), torch.nn.functional.one_hot(i), torch.bucketize(x, b), torch.bucketize(x, b, right=True, out_int32=True)", [np.array([0, 3, 2, 4], np.int64), F32(2, 5), np.array([-1.0, -0.25, 0.0, 0.5, 1.5], np.float32)], 11),
    Case("unique", "x", "a, b, c = torch._unique2(x, True, True, True)\n    d, e = torch._unique(x, True, True)\n    f, g, h = torch.unique(x.view(3, 2), sorted=True, return_inverse=True, return_counts=True, dim=0)\n    return a, b, c, d, e, f, g, h", [np.array([3, 1, 3, 2, 1, 3], np.int64)], 11),
    # factories
    Case("factories", "x", "return torch.zeros(2, 3), torch.ones([2], dtype=torch.int64), torch.full([2, 2], 1.5), torch.zeros_like(x), torch.ones_like(x, dtype=torch.int32), torch.full_like(x, 7.0), x.new_zeros([2]), x.new_ones(3), x.new_full([2, 1], -1.0), torch.zeros(x.size(0), x.size(1) * 2)", [F32(3, 4)], 9),
    Case("ranges", "x", "n = x.size(0)\n    return torch.arange(5), torch.arange(2, 8, 3), torch.arange(1.0, 2.0, 0.25), torch.arange(n), torch.arange(n, dtype=torch.float32) * 2, torch.linspace(0.0, 1.0, 5), torch.linspace(-1.0, 3.0, n), torch.eye(3), torch.eye(2, 4), torch.eye(n, dtype=torch.int64)", [F32(4, 2)], 9),
    Case("dynamic_factories", "x", "n = x.size(0)\n    return torch.ones(n, 2), torch.ones([n], dtype=torch.int64), torch.full([n, 1], 2.5), torch.hann_window(n) + x, torch.hann_window(n + 1, False, dtype=torch.float64), torch.as_tensor([n, 2]), torch.tensor([n, 1]) * 2, x.is_pinned()", [F32(8)], 9),
    Case("empty", "x", "return torch.empty(x.size(0), 3), torch.empty_like(x), x.new_empty([x.size(1), 1]), torch.empty([x.size(0)], dtype=torch.int64)", [F32(3, 4)], 9, check=same_shape_dtype),
    Case("random", "x, w", "return torch.rand(2000), torch.randn(40, 50), torch.randn_like(x), torch.normal(5.0, 2.0, [2000]), torch.bernoulli(torch.full([2000], 0.3)), torch.multinomial(w, 5, True), torch.rand_like(x), torch.normal(x * 0.0 + 3.0, x * 0.0 + 0.5)", [F32(30, 40), np.array([[0, 1, 0, 3]], np.float32)], 9, check=random_stats),
    Case("dropout_eval", "x", "y, mask = torch.native_dropout(x, 0.5, False)\n    return y, mask", [F32(3, 4)], 9),
    Case("dropout_train", "x", "return torch.nn.functional.dropout(x, 0.5, True), torch.native_dropout(x, 0.5, True)[0], torch.nn.functional.dropout2d(x, 0.5, True), torch.nn.functional.alpha_dropout(x, 0.5, True), torch.nn.functional.feature_alpha_dropout(x, 0.5, True)", [np.ones((40, 30, 5, 2), np.float32)], 12, check=dropout_stats),
]


class OpsIndexTest(ConverterTest):
    def test_index_and_factory_ops(self):
        run_cases(self, CASES)


if __name__ == "__main__":
    unittest.main()
