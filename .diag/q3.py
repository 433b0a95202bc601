import torch, numpy as np, subprocess, sys, os, pathlib
sys.path.insert(0, '/work/main/tests/e2e')
os.environ.setdefault('PT2ONNX','/work/main/build/pt2onnx'); os.environ.setdefault('ORT_RUN','/work/main/tests/tools/ort_run/ort_run.mjs')
from harness import run_ort, torch_outputs
torch.backends.quantized.engine = sys.argv[1]
torch.manual_seed(0)
class M(torch.nn.Module):
    def __init__(s):
        super().__init__()
        s.eb = torch.nn.EmbeddingBag(20, 8, mode=sys.argv[3])
        s.e = torch.nn.Embedding(20, 8)
    def forward(s, idx, off):
        return s.eb(idx, off), s.e(idx)
m = M().eval()
qc = torch.ao.quantization.float_qparams_weight_only_qconfig if sys.argv[2]=='8' else torch.ao.quantization.float_qparams_weight_only_qconfig_4bit
m.eb.qconfig = qc; m.e.qconfig = qc
torch.ao.quantization.prepare(m, inplace=True)
qm = torch.ao.quantization.convert(m)
print(qm)
s = torch.jit.script(qm); s.save("q3.pt")
print([n.kind() for n in torch.jit.freeze(s).graph.nodes()])
r = subprocess.run(['/work/main/build/pt2onnx','q3.pt','-o','q3.onnx','--opset','13','--shape','idx:9','--shape','off:3','--dtype','idx:int64','--dtype','off:int64'],capture_output=True,text=True)
print(r.returncode, r.stderr)
ins = [[np.random.randint(0,20,9), np.array([0,2,2])], [np.random.randint(0,20,9), np.array([0,5,7])]]
got = run_ort([(pathlib.Path('q3.onnx').resolve(), {'idx': i[0], 'off': i[1]}) for i in ins], pathlib.Path('.').resolve())
for i, g in zip(ins, got):
    ref = torch_outputs(pathlib.Path('q3.pt'), i)
    if not isinstance(g, list): print(g); continue
    print([float(np.abs(a-b).max()) for a,b in zip(g, ref)], [float(np.abs(b).max()) for b in ref])
