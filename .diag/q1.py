import torch
torch.manual_seed(0)
class M(torch.nn.Module):
    def __init__(s):
        super().__init__()
        s.eb = torch.nn.EmbeddingBag(10, 6, mode='sum')
        s.lstm = torch.nn.LSTM(6, 5, num_layers=2, batch_first=False)
    def forward(s, idx, off, x):
        return s.eb(idx, off), s.lstm(x)[0]
m = M().eval()
m.eb.qconfig = torch.ao.quantization.float_qparams_weight_only_qconfig
torch.ao.quantization.prepare(m, inplace=True)
qm = torch.ao.quantization.convert(m, inplace=False)
qm = torch.ao.quantization.quantize_dynamic(qm, {torch.nn.LSTM}, dtype=torch.qint8)
print(qm)
s = torch.jit.script(qm)
s.save("q1.pt")
f = torch.jit.freeze(s)
print(f.graph)
idx = torch.tensor([1,2,4,5,4,3,2,9]); off=torch.tensor([0,4]); x=torch.randn(3,2,6)
print(s(idx,off,x)[0])
