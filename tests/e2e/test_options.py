"""Command-line options compared with what torch.onnx.export's options produce."""
import unittest

import numpy as np
import onnx
import torch
import torch.nn as nn

from harness import ConverterTest, convert, load_onnx, rand, run_ort, save_torchscript, torch_outputs


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.bn = nn.BatchNorm2d(4)
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(4 * 6 * 6, 5))
        with torch.no_grad():  # distinct values, so freezing cannot merge equal constants
            self.bn.running_mean.uniform_(-1, 1)
            self.bn.running_var.uniform_(0.5, 2)
            self.bn.weight.uniform_(0.5, 2)
            self.bn.bias.uniform_(-1, 1)

    def forward(self, x):
        return self.head(torch.relu(self.bn(self.conv(x))))


class TwoOutputs(nn.Module):
    def forward(self, x, y):
        return x + y, x * y


class WithExportMethod(nn.Module):
    def forward(self, x):
        return x * 2

    @torch.jit.export
    def deploy(self, x):
        return x + 100


class TransposeIf(nn.Module):
    def forward(self, x):
        x = x.transpose(0, 1)
        if x.size(0) == 2:
            return x.transpose(0, 1)
        return x


class Recurrent(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.LSTM(8, 8, batch_first=True)

    def forward(self, x):
        return self.rnn(x)[0]


class OptionsTest(ConverterTest):
    def setUp(self):
        super().setUp()
        self.x = rand(1, 3, 8, 8)
        self.pt = save_torchscript(Net(), self.path("net.pt"))

    def test_parameters_are_named_after_their_module_path(self):
        out = self.path("net.onnx")
        convert(self.pt, out, "--shape", "x:1x3x8x8")
        names = {i.name for i in load_onnx(out).graph.initializer}
        # BatchNorm is fused into the conv (as torch.onnx does); the fused weights keep the name.
        self.assertEqual(names, {"conv.weight_fused_bn", "conv.bias_fused_bn", "head.1.weight",
                                 "head.1.bias"})
        self.check_matches_torch(self.pt, out, ["x"], [[self.x]])
        # Without folding every parameter and buffer is its own initializer.
        out = self.path("net_nofold.onnx")
        convert(self.pt, out, "--shape", "x:1x3x8x8", "--no-fold")
        names = {i.name for i in load_onnx(out).graph.initializer}
        for expected in ("conv.weight", "conv.bias", "bn.weight", "bn.bias", "bn.running_mean",
                         "bn.running_var", "head.1.weight", "head.1.bias"):
            self.assertIn(expected, names)
        self.check_matches_torch(self.pt, out, ["x"], [[self.x]])

    def test_input_and_output_names(self):
        out = self.path("named.onnx")
        convert(self.pt, out, "--input-names", "image", "--output-names", "logits",
                "--shape", "image:1x3x8x8", "--dynamic", "image:0=batch", "--dynamic", "logits:0=batch")
        model = load_onnx(out)
        self.assertEqual([i.name for i in model.graph.input], ["image"])
        self.assertEqual([o.name for o in model.graph.output], ["logits"])
        self.assertEqual(model.graph.input[0].type.tensor_type.shape.dim[0].dim_param, "batch")
        self.assertEqual(model.graph.output[0].type.tensor_type.shape.dim[0].dim_param, "batch")
        self.check_matches_torch(self.pt, out, ["image"], [[self.x], [rand(3, 3, 8, 8)]])

    def test_default_output_names(self):
        pt = save_torchscript(TwoOutputs(), self.path("two.pt"))
        out = self.path("two.onnx")
        convert(pt, out, "--shape", "x:2x3", "--shape", "y:2x3")
        model = load_onnx(out)
        self.assertEqual([o.name for o in model.graph.output], ["output_0", "output_1"])
        self.assertEqual([i.name for i in model.graph.input], ["x", "y"])
        self.check_matches_torch(pt, out, ["x", "y"], [[rand(2, 3), rand(3, 2).T.copy()]])

    def test_generated_output_names_avoid_the_given_ones(self):
        # `--output-names output_1` names output 0; output 1's generated name takes a suffix
        # (both were once called output_1, which ONNX's checker refuses).
        pt = save_torchscript(TwoOutputs(), self.path("two.pt"))
        out = self.path("two_named.onnx")
        convert(pt, out, "--shape", "x:2x3", "--shape", "y:2x3", "--output-names", "output_1",
                "--dynamic", "x:0", "--dynamic", "y:0", "--dynamic", "output_1:0")
        model = load_onnx(out)
        self.assertEqual([o.name for o in model.graph.output], ["output_1", "output_1_1"])
        self.check_matches_torch(pt, out, ["x", "y"], [[rand(2, 3), rand(2, 3)],
                                                       [rand(4, 3), rand(4, 3)]])

    def test_no_params_matches_torch_export_params_false(self):
        out = self.path("noparams.onnx")
        convert(self.pt, out, "--no-params", "--shape", "x:1x3x8x8")
        ours = load_onnx(out)
        ref = self.path("torch_noparams.onnx")
        torch.onnx.export(Net().eval(), torch.from_numpy(self.x), str(ref), input_names=["x"],
                          export_params=False, opset_version=17)
        theirs = onnx.load(str(ref))
        self.assertEqual(len([i for i in ours.graph.initializer if "." in i.name]), 0)
        ours_inputs = {i.name for i in ours.graph.input}
        theirs_inputs = {i.name for i in theirs.graph.input}
        # Every parameter torch lists as an input is one of ours too (torch also folds BN into
        # the conv, giving onnx::Conv_N inputs; pt2onnx keeps the module's own parameters).
        named = {n for n in theirs_inputs if not n.startswith("onnx::")}
        self.assertTrue(named <= ours_inputs, (ours_inputs, theirs_inputs))
        # Fed with the weights, the graph computes what LibTorch does.
        module = torch.jit.load(str(self.pt))
        feeds = {"x": self.x}
        for name, value in list(module.named_parameters()) + list(module.named_buffers()):
            if name in ours_inputs:
                feeds[name] = value.detach().numpy()
        self.assertGreaterEqual(len(feeds), 5)
        got = run_ort([(out, feeds)], self.dir)[0]
        self.assertIsInstance(got, list, got)
        self.assert_close(got, torch_outputs(self.pt, [self.x]))

    def test_output_axis_declared_dynamic_that_the_model_fixes(self):
        """The size the graph gives is the size the file declares, with a warning; it follows a
        dynamic input axis only in the message, when the numbers agree."""
        cases = [(TransposeIf(), "script", ["--shape", "x:2x3", "--output-names", "y",
                                            "--dynamic", "y:0,1"], [[rand(2, 3)]], [3, 2], ""),
                 (Recurrent(), "trace", ["--shape", "x:1x5x8", "--output-names", "y",
                                         "--dynamic", "x:0=b,1=t,2=h", "--dynamic", "y:0=b,1=t,2=h"],
                  [[rand(1, 5, 8)], [rand(3, 7, 8)]], ["b", "t", 8], "export-time size of input axis 'h'")]
        for module, mode, flags, input_sets, dims, says in cases:
            with self.subTest(model=type(module).__name__):
                pt = save_torchscript(module, self.path("m.pt"), mode,
                                      (torch.from_numpy(input_sets[0][0]),))
                out = self.path("m.onnx")
                proc = convert(pt, out, *flags)
                self.assertIn("static-output-axis", proc.stderr)
                self.assertIn(says, proc.stderr)
                shape = load_onnx(out).graph.output[0].type.tensor_type.shape
                self.assertEqual([d.dim_value or d.dim_param for d in shape.dim], dims)
                self.check_matches_torch(pt, out, ["x"], input_sets)

    def test_keep_initializers_as_inputs(self):
        out = self.path("kiai.onnx")
        convert(self.pt, out, "--keep-initializers-as-inputs", "--shape", "x:1x3x8x8")
        model = load_onnx(out)
        inputs = {i.name for i in model.graph.input}
        inits = {i.name for i in model.graph.initializer}
        self.assertTrue(inits <= inputs)
        self.assertIn("head.1.weight", inputs)
        self.check_matches_torch(self.pt, out, ["x"], [[self.x]])

    def test_dtype_option(self):
        pt = save_torchscript(TwoOutputs(), self.path("ints.pt"))
        out = self.path("ints.onnx")
        convert(pt, out, "--shape", "x:4", "--shape", "y:4", "--dtype", "x:int64", "--dtype", "1:int64")
        model = load_onnx(out)
        self.assertEqual(model.graph.input[0].type.tensor_type.elem_type, onnx.TensorProto.INT64)
        a = np.array([1, -2, 3, 4], dtype=np.int64)
        self.check_matches_torch(pt, out, ["x", "y"], [[a, a * 3]])

    def test_method_option(self):
        pt = save_torchscript(WithExportMethod(), self.path("method.pt"))
        out = self.path("method.onnx")
        convert(pt, out, "--method", "deploy", "--shape", "x:3")
        got = run_ort([(out, {"x": np.ones(3, np.float32)})], self.dir)[0]
        np.testing.assert_allclose(got[0], np.full(3, 101, np.float32))

    def test_output_is_byte_identical_across_runs(self):
        a, b = self.path("a.onnx"), self.path("b.onnx")
        for out in (a, b):
            convert(self.pt, out, "--shape", "x:1x3x8x8", "--dynamic", "x:0")
        self.assertEqual(a.read_bytes(), b.read_bytes())

    def test_no_fold_keeps_the_same_numbers(self):
        out = self.path("nofold.onnx")
        convert(self.pt, out, "--no-fold", "--shape", "x:1x3x8x8", "--dynamic", "x:0")
        self.check_matches_torch(self.pt, out, ["x"], [[self.x], [rand(2, 3, 8, 8)]])


if __name__ == "__main__":
    unittest.main()
