import torch, numpy as np, subprocess, json, sys
sys.path.insert(0, '/work/main/tests/e2e')
import os
os.environ.setdefault('PT2ONNX','/work/main/build/pt2onnx'); os.environ.setdefault('ORT_RUN','/work/main/tests/tools/ort_run/ort_run.mjs')
from harness import run_ort, torch_outputs
import pathlib
torch.backends.quantized.engine = sys.argv[1]
torch.manual_seed(0)
class M(torch.nn.Module):
    def __init__(s):
        super().__init__()
        s.lstm = torch.nn.LSTM(6, 5, num_layers=2, bidirectional=True)
        s.gru = torch.nn.GRU(10, 4)
    def forward(s, x):
        y, (h, c) = s.lstm(x)
        z, hg = s.gru(y)
        return y, h, c, z, hg
for dt in (torch.qint8, torch.float16):
    qm = torch.ao.quantization.quantize_dynamic(M().eval(), {torch.nn.LSTM, torch.nn.GRU}, dtype=dt)
    s = torch.jit.script(qm); s.save("q2.pt")
    r = subprocess.run(['/work/main/build/pt2onnx','q2.pt','-o','q2.onnx','--opset','13','--shape','x:3x2x6','--dynamic','x:0,1'],capture_output=True,text=True)
    print(r.returncode, r.stderr)
    ins = [np.random.randn(3,2,6).astype(np.float32), np.random.randn(7,4,6).astype(np.float32)]
    got = run_ort([(pathlib.Path('q2.onnx').resolve(), {'x': i}) for i in ins], pathlib.Path('.').resolve())
    for i, g in zip(ins, got):
        ref = torch_outputs(pathlib.Path('q2.pt'), [i])
        if not isinstance(g, list): print(g); continue
        print(dt, [float(np.abs(a-b).max()) for a,b in zip(g, ref)], [float(np.abs(b).max()) for b in ref])
