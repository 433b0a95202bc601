"""Recurrent layers (nn.LSTM, nn.GRU, nn.RNN; padded and packed sequences) in ONNX Runtime against
LibTorch (op_cases.py runs the table). The single-step cells (lstm_cell, ...) are in
test_recurrent_cells.py."""
import unittest

import numpy as np
import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from harness import ConverterTest
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


CASES = [
    Case("lstm", "x, h, c", "", [F32(3, 6, 4), F32(4, 3, 5), F32(4, 3, 5)], 9, module=Lstm),
    Case("gru_rnn", "x, h", "", [F32(6, 2, 4), F32(2, 2, 5)], 9, module=GruRnn),
    # traced: scripted, nn.LSTM checks a PackedSequence's Optional batch_sizes at run time
    Case("packed", "x, lengths", "", [F32(3, 5, 4), LENGTHS], 9, module=Packed, trace=True),
]


class OpsRnnTest(ConverterTest):
    def test_recurrent_layers(self):
        run_cases(self, CASES)


if __name__ == "__main__":
    unittest.main()
