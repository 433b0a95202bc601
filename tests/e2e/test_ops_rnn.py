"""Recurrent layers (nn.LSTM, nn.GRU, nn.RNN; padded and packed sequences) in ONNX Runtime against
LibTorch (op_cases.py runs the table). The single-step cells (lstm_cell, ...) are in
test_recurrent_cells.py."""
import unittest

import numpy as np
import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from harness import ConverterTest, convert, save_torchscript
from op_cases import F32, Case, run_cases

LENGTHS = np.array([5, 3, 2], np.int64)


class Lstm(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = torch.nn.LSTM(4, 5, num_layers=2, batch_first=True, bidirectional=True)

    def forward(self, x, h, c):
        out, (hn, cn) = self.rnn(x, (h, c))
        return out, hn, cn


class GruRnn(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = torch.nn.GRU(4, 5, num_layers=2)
        self.tanh = torch.nn.RNN(4, 3, bidirectional=True)
        self.relu = torch.nn.RNN(4, 3, nonlinearity="relu", bias=False)

    def forward(self, x, h):
        a, ha = self.gru(x, h)
        b, hb = self.tanh(x)
        c, hc = self.relu(x)
        return a, ha, b, hb, c, hc


class Packed(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = torch.nn.LSTM(4, 5, batch_first=True)
        self.gru = torch.nn.GRU(4, 3, batch_first=True, bidirectional=True)
        self.tanh = torch.nn.RNN(4, 3, batch_first=True)
        self.relu = torch.nn.RNN(4, 3, nonlinearity="relu", batch_first=True)

    def forward(self, x, lengths):
        packed = pack_padded_sequence(x, lengths, batch_first=True)
        outs = []
        a, (ha, ca) = self.lstm(packed)
        outs += [pad_packed_sequence(a, batch_first=True)[0], ha, ca]
        b, hb = self.gru(packed)
        outs += [pad_packed_sequence(b, batch_first=True)[0], hb]
        c, hc = self.tanh(packed)
        outs += [pad_packed_sequence(c, batch_first=True)[0], hc]
        d, hd = self.relu(packed)
        outs += [pad_packed_sequence(d, batch_first=True)[0], hd]
        return outs


class PackedWithoutState(torch.nn.Module):
    """Scripted, nn.LSTM reads the packed data's rank, starts its state with batch_sizes[0] rows,
    and pad_packed_sequence pads to batch_sizes.size(0) steps, the longest length."""

    def __init__(self, total_length=None):
        super().__init__()
        self.lstm = torch.nn.LSTM(4, 5, batch_first=True)
        self.gru = torch.nn.GRU(4, 3)
        self.total_length = total_length

    def forward(self, x, lengths):
        a, (ha, ca) = self.lstm(pack_padded_sequence(x, lengths, batch_first=True))
        a, la = pad_packed_sequence(a, batch_first=True, total_length=self.total_length)
        b, hb = self.gru(pack_padded_sequence(x.transpose(0, 1), lengths))
        b, _ = pad_packed_sequence(b, total_length=self.total_length)
        return a, la, ha, ca, b, hb


class PackedToFiveSteps(PackedWithoutState):
    def __init__(self):
        super().__init__(total_length=5)


class PackedDataReader(torch.nn.Module):
    def forward(self, x, lengths):
        packed = pack_padded_sequence(x, lengths, batch_first=True)
        return packed.data * float(packed.data.size(0))


CASES = [
    Case("lstm", "x, h, c", "", [F32(3, 6, 4), F32(4, 3, 5), F32(4, 3, 5)], 9, module=Lstm),
    Case("gru_rnn", "x, h", "", [F32(6, 2, 4), F32(2, 2, 5)], 9, module=GruRnn),
    # traced: scripted, nn.LSTM checks a PackedSequence's Optional batch_sizes at run time
    # traced: pad_packed_sequence pads to the longest length, a run-time value: Pad's pads input
    # from opset 11, zeros concatenated and the steps gathered below it
    Case("packed", "x, lengths", "", [F32(3, 5, 4), LENGTHS], 9, module=Packed, trace=True),
    # scripted, static sizes and a constant total_length: no run-time step count, so from 9
    Case("packed_total_length", "x, lengths", "", [F32(3, 5, 4), LENGTHS], 9,
         module=PackedToFiveSteps),
]


class OpsRnnTest(ConverterTest):
    def test_recurrent_layers(self):
        run_cases(self, CASES)

    def test_packed_sequences_scripted(self):
        # Two batch sizes and step counts; in the second the longest length (4) is shorter than
        # the padded input (7), so the outputs have 4 steps, or total_length when it is given.
        sets = [[F32(3, 5, 4), np.array([5, 3, 2], np.int64)],
                [F32(4, 7, 4), np.array([4, 4, 2, 1], np.int64)]]
        args = ["--shape", "x:3x5x4", "--shape", "lengths:3", "--dtype", "lengths:int64",
                "--dynamic", "x:0,1", "lengths:0"]
        for total in (None, 9):
            pt = save_torchscript(PackedWithoutState(total), self.path(f"packed_{total}.pt"))
            for opset in (9, 10, 11, 13, 17):
                with self.subTest(total_length=total, opset=opset):
                    out = self.path(f"packed_{total}_{opset}.onnx")
                    convert(pt, out, "--opset", opset, *args)
                    self.check_matches_torch(pt, out, ["x", "lengths"], sets)

    def test_other_readers_of_packed_data_are_refused(self):
        # The padded batch stands for the packed data only where a reader takes it as such.
        pt = save_torchscript(PackedDataReader(), self.path("reader.pt"))
        proc = convert(pt, self.path("reader.onnx"), "--shape", "x:3x5x4", "--shape",
                       "lengths:3", "--dtype", "lengths:int64", check=False)
        self.assertEqual(proc.returncode, 4, proc.stderr)
        self.assertIn("packed sequence's data is read by", proc.stderr)


if __name__ == "__main__":
    unittest.main()
