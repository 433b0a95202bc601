"""torchaudio's speech models (issue 11), scripted and traced, in ONNX Runtime against LibTorch at
two lengths (and two batch sizes) along dynamic axes, opsets 11, 13 and 17. The models are
torchaudio's own classes in small configurations (random weights, seeded): the code paths of
wav2vec2_base, hubert_base (the same extractor and encoder as wav2vec2_base) and
wav2vec2_large's layer-norm variant, at a size a test can afford. The models pt2onnx cannot
express are refused with a message per construct, never an internal error (docs/speech_models.md)."""
import unittest

import numpy as np
import torch
import torch.nn as nn
import torchaudio.models as M

from harness import ConverterTest, convert, run_ort, save_torchscript

OPSETS = (11, 13, 17)
UNSUPPORTED = 4


def wave(batch, length, seed=0):
    return np.random.RandomState(seed + 7 * batch + length).randn(batch, length).astype(np.float32)


def small_wav2vec2(extractor_mode, layer_norm_first):
    torch.manual_seed(0)
    return M.wav2vec2_model(
        extractor_mode=extractor_mode,
        extractor_conv_layer_config=[(16, 10, 5), (16, 3, 2), (16, 2, 2)],
        extractor_conv_bias=extractor_mode == "layer_norm", encoder_embed_dim=32,
        encoder_projection_dropout=0.0, encoder_pos_conv_kernel=8, encoder_pos_conv_groups=4,
        encoder_num_layers=2, encoder_num_heads=4, encoder_attention_dropout=0.0,
        encoder_ff_interm_features=48, encoder_ff_interm_dropout=0.0, encoder_dropout=0.0,
        encoder_layer_norm_first=layer_norm_first, encoder_layer_drop=0.0, aux_num_out=None)


class Features(nn.Module):
    """The features alone: what users export of wav2vec2/hubert (forward also returns lengths,
    None without a lengths input, which an ONNX graph cannot output)."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, waveforms):
        features, _ = self.model(waveforms)
        return features


WAV2VEC2_VARIANTS = {
    # wav2vec2_base and hubert_base: group norm in the first extractor layer, post-norm encoder.
    "base": ("group_norm", False),
    # wav2vec2_large_lv60k and the XLS-R models: layer norm in every extractor layer, pre-norm.
    "large": ("layer_norm", True),
}


class Wav2Vec2Test(ConverterTest):
    rtol, atol = 1e-3, 1e-4

    def convert_and_check(self, pt, name, args, input_names, input_sets):
        for opset in OPSETS:
            with self.subTest(model=name, opset=opset):
                out = self.path(f"{name}_{opset}.onnx")
                convert(pt, out, "--opset", opset, *args)
                self.check_matches_torch(pt, out, input_names, input_sets)

    def test_features_scripted_and_traced(self):
        # Two batch sizes and two lengths; 1000 and 1601 samples give different frame counts
        # through the strided convolutions (199 and 319 frames after the first layer).
        sets = [[wave(1, 1000)], [wave(3, 1601)]]
        for variant, (mode, first) in WAV2VEC2_VARIANTS.items():
            model = Features(small_wav2vec2(mode, first))
            for how in ("script", "trace"):
                pt = save_torchscript(model, self.path(f"{variant}_{how}.pt"), how,
                                      (torch.from_numpy(wave(2, 1200)),))
                # The rank of the waveform is needed by group_norm's lowering; --shape gives it
                # and --dynamic keeps both axes run-time sizes.
                self.convert_and_check(pt, f"{variant}_{how}",
                                       ["--shape", "waveforms:2x1200", "--dynamic",
                                        "waveforms:0,1"], ["waveforms"], sets)

    def test_module_with_lengths_scripted(self):
        # The module itself, given lengths: features and the frame count of each waveform
        # (padding masked in attention).
        model = small_wav2vec2("group_norm", False)
        pt = save_torchscript(model, self.path("w2v.pt"))
        sets = [[wave(2, 1000), np.array([1000, 700], np.int64)],
                [wave(3, 1601), np.array([1601, 1601, 900], np.int64)]]
        self.convert_and_check(pt, "w2v_lengths",
                               ["--shape", "waveforms:2x1200", "--shape", "lengths:2", "--dtype",
                                "lengths:int64", "--dynamic", "waveforms:0,1", "lengths:0"],
                               ["waveforms", "lengths"], sets)

    def test_module_without_lengths_is_refused(self):
        # forward returns (features, None) without lengths: ONNX has no None output.
        pt = save_torchscript(small_wav2vec2("group_norm", False), self.path("w2v.pt"))
        out = self.path("w2v.onnx")
        proc = convert(pt, out, "--shape", "waveforms:1x1000", check=False)
        self.assertEqual(proc.returncode, UNSUPPORTED, proc.stderr)
        self.assertIn("returns None", proc.stderr)
        self.assertFalse(out.exists())


class ConvTasNetTest(ConverterTest):
    def test_scripted_and_traced(self):
        torch.manual_seed(0)
        model = M.ConvTasNet(num_sources=2, enc_kernel_size=16, enc_num_feats=32,
                             msk_kernel_size=3, msk_num_feats=16, msk_num_hidden_feats=32,
                             msk_num_layers=2, msk_num_stacks=2)
        # 803 and 1205 samples are padded to the encoder's stride (8) by different amounts, and
        # the scripted model trims them off again in an If on that run-time amount.
        sets = [[wave(1, 803)[:, None]], [wave(2, 1205)[:, None]]]
        traced_sets = [[wave(1, 808)[:, None]], [wave(2, 1200)[:, None]]]
        for how in ("script", "trace"):
            pt = save_torchscript(model, self.path(f"tasnet_{how}.pt"), how,
                                  (torch.from_numpy(wave(1, 800)[:, None]),))
            for opset in OPSETS:
                with self.subTest(how=how, opset=opset):
                    out = self.path(f"tasnet_{how}_{opset}.onnx")
                    convert(pt, out, "--opset", opset, "--shape", "input:1x1x800", "--dynamic",
                            "input:0,2")
                    # Traced, the padding is the trace's (none for 800 samples): LibTorch's
                    # traced module, like the ONNX file, takes only multiples of the stride.
                    self.check_matches_torch(pt, out, ["input"],
                                             sets if how == "script" else traced_sets)


class WaveRNNTest(ConverterTest):
    def test_infer_scripted(self):
        # infer samples each step with torch.multinomial. The last layer's weights are scaled so
        # that each posterior is one class to within float precision: multinomial is then the
        # argmax in both runtimes, and the output is a deterministic function of every layer
        # and of the sampling loop's feedback. The closest two logits along these inputs are
        # 2.7e-5 apart: scaled by 1e4 that left the runner-up a 0.76 odds ratio, and the test
        # failed one run in a few; by 1e6 it is e^-27.
        torch.manual_seed(0)
        model = M.WaveRNN(upsample_scales=[2, 2], n_classes=16, hop_length=4, n_res_block=1,
                          n_rnn=16, n_fc=16, kernel_size=5, n_freq=8, n_hidden=8, n_output=8)
        with torch.no_grad():
            model.fc3.weight.mul_(1e6)
            model.fc3.bias.mul_(1e6)
        pt = save_torchscript(model, self.path("wavernn.pt"))
        spec = lambda b, t: np.random.RandomState(b + t).rand(b, 8, t).astype(np.float32)
        sets = [[spec(1, 10), np.array([10], np.int64)],
                [spec(2, 13), np.array([13, 9], np.int64)]]
        args = ["--method", "infer", "--shape", "specgram:1x8x10", "--shape", "lengths:1",
                "--dtype", "lengths:int64", "--dynamic", "specgram:0,2", "lengths:0"]
        for opset in OPSETS:
            with self.subTest(opset=opset):
                out = self.path(f"wavernn_{opset}.onnx")
                proc = convert(pt, out, "--opset", opset, *args, check=opset >= 13)
                if opset < 13:
                    # The samples are collected in a list over a run-time number of steps: a
                    # sequence carried by Loop, which ONNX has from opset 13.
                    self.assertEqual(proc.returncode, UNSUPPORTED, proc.stderr)
                    self.assertIn("needs opset 13", proc.stderr)
                    self.assertIn("wavernn.py:378", proc.stderr)
                    continue
                self.check_matches_torch_method(pt, out, sets)

    def check_matches_torch_method(self, pt, out, sets):
        results = run_ort([(out, {"specgram": s, "lengths": l}) for s, l in sets], self.dir)
        module = torch.jit.load(str(pt)).eval()
        for (s, l), got in zip(sets, results):
            self.assertIsInstance(got, list, f"ONNX Runtime failed: {got}")
            with torch.no_grad():
                wave_out, lengths = module.infer(torch.from_numpy(s), torch.from_numpy(l))
            self.assert_close(got, [wave_out.numpy(), lengths.numpy()], what=f"{s.shape}")


class RefusedSpeechModelsTest(ConverterTest):
    """Scripted models whose constructs ONNX cannot express (optional state in loops, None from a
    run-time branch, masked writes of varying length): each refused, exit 4, with the line."""

    def assert_refused(self, pt, args, *lines):
        out = self.path("refused.onnx")
        proc = convert(pt, out, *args, check=False)
        self.assertEqual(proc.returncode, UNSUPPORTED, proc.stderr)
        self.assertNotIn("internal", proc.stderr)
        for line in lines:
            self.assertIn(line, proc.stderr)
        self.assertFalse(out.exists())

    def test_emformer_scripted(self):
        torch.manual_seed(0)
        model = M.Emformer(input_dim=32, num_heads=4, ffn_dim=64, num_layers=2, segment_length=4,
                           right_context_length=1)
        pt = save_torchscript(model, self.path("emformer.pt"))
        self.assert_refused(pt, ["--shape", "input:2x13x32", "--shape", "lengths:2", "--dtype",
                                 "lengths:int64", "--dynamic", "input:0,1", "lengths:0"],
                            "emformer.py:683", "for seg_idx in range(num_segs)",
                            "is None before its first iteration")

    def test_tacotron2_infer_scripted(self):
        torch.manual_seed(0)
        model = M.Tacotron2(n_mels=20, encoder_embedding_dim=64, encoder_n_convolution=1,
                            decoder_rnn_dim=64, attention_rnn_dim=64, attention_hidden_dim=32,
                            attention_location_n_filter=8, prenet_dim=32, postnet_n_convolution=1,
                            postnet_embedding_dim=32, decoder_max_step=20, n_symbol=30,
                            symbol_embedding_dim=64)
        pt = save_torchscript(model, self.path("tacotron2.pt"))
        self.assert_refused(pt, ["--method", "infer", "--shape", "tokens:1x10", "--dtype",
                                 "tokens:int64", "--dynamic", "tokens:1"], "tacotron2.py:1044", "unfold")


if __name__ == "__main__":
    unittest.main()
