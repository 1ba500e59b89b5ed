"""
Classic CNNs written in plain PyTorch (no torchvision), random weights and batch-norm statistics, exported
with torch.onnx.export: the TorchScript exporter (dynamo=False) at opsets 13 and 17, with and without constant
folding, and the dynamo exporter at opset 18, at a fixed batch of 1 (torch's default). Request on stdin:
{"dir": OUT}; answer on stdout: the files written. Used by onnxTorchCnns.test.ts.
"""
import contextlib, json, sys, torch, torch.nn as nn, torch.nn.functional as F
torch.manual_seed(0)

class Basic(nn.Module):
    def __init__(s, i, o, st):
        super().__init__()
        s.c1 = nn.Conv2d(i, o, 3, st, 1, bias=False); s.b1 = nn.BatchNorm2d(o)
        s.c2 = nn.Conv2d(o, o, 3, 1, 1, bias=False); s.b2 = nn.BatchNorm2d(o)
        s.down = nn.Sequential(nn.Conv2d(i, o, 1, st, bias=False), nn.BatchNorm2d(o)) if st != 1 or i != o else None
    def forward(s, x):
        y = F.relu(s.b1(s.c1(x))); y = s.b2(s.c2(y))
        return F.relu(y + (s.down(x) if s.down is not None else x))

class ResNet18(nn.Module):
    def __init__(s, n=10):
        super().__init__()
        s.stem = nn.Sequential(nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(3, 2, 1))
        L = []; i = 64
        for o, st in [(64, 1), (128, 2), (256, 2), (512, 2)]:
            L += [Basic(i, o, st), Basic(o, o, 1)]; i = o
        s.layers = nn.Sequential(*L); s.pool = nn.AdaptiveAvgPool2d(1); s.fc = nn.Linear(512, n)
    def forward(s, x): return s.fc(torch.flatten(s.pool(s.layers(s.stem(x))), 1))

class InvRes(nn.Module):
    def __init__(s, i, o, st, t):
        super().__init__(); h = i * t; s.res = st == 1 and i == o
        L = [] if t == 1 else [nn.Conv2d(i, h, 1, bias=False), nn.BatchNorm2d(h), nn.ReLU6()]
        L += [nn.Conv2d(h, h, 3, st, 1, groups=h, bias=False), nn.BatchNorm2d(h), nn.ReLU6(), nn.Conv2d(h, o, 1, bias=False), nn.BatchNorm2d(o)]
        s.body = nn.Sequential(*L)
    def forward(s, x): return x + s.body(x) if s.res else s.body(x)

class MobileNetV2(nn.Module):
    def __init__(s, n=10):
        super().__init__(); L = [nn.Conv2d(3, 32, 3, 2, 1, bias=False), nn.BatchNorm2d(32), nn.ReLU6()]; i = 32
        for t, c, k, st in [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]:
            for j in range(k): L.append(InvRes(i, c, st if j == 0 else 1, t)); i = c
        L += [nn.Conv2d(i, 1280, 1, bias=False), nn.BatchNorm2d(1280), nn.ReLU6()]
        s.features = nn.Sequential(*L); s.fc = nn.Sequential(nn.Dropout(0.2), nn.Linear(1280, n))
    def forward(s, x): return s.fc(F.adaptive_avg_pool2d(s.features(x), 1).flatten(1))

class Fire(nn.Module):
    def __init__(s, i, q, e):
        super().__init__(); s.sq = nn.Conv2d(i, q, 1); s.e1 = nn.Conv2d(q, e, 1); s.e3 = nn.Conv2d(q, e, 3, padding=1)
    def forward(s, x):
        x = F.relu(s.sq(x)); return torch.cat([F.relu(s.e1(x)), F.relu(s.e3(x))], 1)

class SqueezeNet11(nn.Module):
    def __init__(s, n=10):
        super().__init__()
        s.features = nn.Sequential(nn.Conv2d(3, 64, 3, 2), nn.ReLU(), nn.MaxPool2d(3, 2, ceil_mode=True), Fire(64, 16, 64), Fire(128, 16, 64),
            nn.MaxPool2d(3, 2, ceil_mode=True), Fire(128, 32, 128), Fire(256, 32, 128), nn.MaxPool2d(3, 2, ceil_mode=True),
            Fire(256, 48, 192), Fire(384, 48, 192), Fire(384, 64, 256), Fire(512, 64, 256))
        s.cls = nn.Sequential(nn.Dropout(0.5), nn.Conv2d(512, n, 1), nn.ReLU(), nn.AdaptiveAvgPool2d(1))
    def forward(s, x): return torch.flatten(s.cls(s.features(x)), 1)

class AlexNet(nn.Module):
    # torchvision's layers at a 127-pixel input (a 3x3 map before the classifier, not 6x6 at 224).
    def __init__(s, n=10):
        super().__init__()
        s.features = nn.Sequential(nn.Conv2d(3, 64, 11, 4, 2), nn.ReLU(), nn.MaxPool2d(3, 2), nn.Conv2d(64, 192, 5, padding=2), nn.ReLU(), nn.MaxPool2d(3, 2),
            nn.Conv2d(192, 384, 3, padding=1), nn.ReLU(), nn.Conv2d(384, 256, 3, padding=1), nn.ReLU(), nn.Conv2d(256, 256, 3, padding=1), nn.ReLU(), nn.MaxPool2d(3, 2))
        s.cls = nn.Sequential(nn.Dropout(), nn.Linear(256 * 3 * 3, 256), nn.ReLU(), nn.Dropout(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, n))
    def forward(s, x): return s.cls(torch.flatten(s.features(x), 1))

class DenseBlock(nn.Module):
    def __init__(s, i=16, g=8, k=4):
        super().__init__()
        s.stem = nn.Conv2d(3, i, 3, padding=1, bias=False)
        s.layers = nn.ModuleList([nn.Sequential(nn.BatchNorm2d(i + j * g), nn.ReLU(), nn.Conv2d(i + j * g, 4 * g, 1, bias=False), nn.BatchNorm2d(4 * g), nn.ReLU(), nn.Conv2d(4 * g, g, 3, padding=1, bias=False)) for j in range(k)])
        c = i + k * g; s.trans = nn.Sequential(nn.BatchNorm2d(c), nn.ReLU(), nn.Conv2d(c, c // 2, 1, bias=False), nn.AvgPool2d(2, 2)); s.fc = nn.Linear(c // 2, 10)
    def forward(s, x):
        x = s.stem(x)
        for l in s.layers: x = torch.cat([x, l(x)], 1)
        return s.fc(F.adaptive_avg_pool2d(s.trans(x), 1).flatten(1))

class ResNeXtBlock(nn.Module):
    # A ResNeXt bottleneck (grouped 3x3, cardinality 8), then a strided dilated conv as DeepLab's encoders have.
    def __init__(s, n=10):
        super().__init__()
        s.stem = nn.Sequential(nn.Conv2d(3, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32), nn.ReLU())
        s.body = nn.Sequential(nn.Conv2d(32, 64, 1, bias=False), nn.BatchNorm2d(64), nn.ReLU(), nn.Conv2d(64, 64, 3, padding=1, groups=8, bias=False),
            nn.BatchNorm2d(64), nn.ReLU(), nn.Conv2d(64, 64, 1, bias=False), nn.BatchNorm2d(64))
        s.proj = nn.Sequential(nn.Conv2d(32, 64, 1, bias=False), nn.BatchNorm2d(64))
        s.atrous = nn.Conv2d(64, 32, 3, stride=2, padding=2, dilation=2); s.fc = nn.Linear(32, n)
    def forward(s, x):
        x = s.stem(x); x = F.relu(s.body(x) + s.proj(x))
        return s.fc(F.adaptive_avg_pool2d(F.relu(s.atrous(x)), 1).flatten(1))

MODELS = {'resnet18': (ResNet18, 64), 'mobilenetv2': (MobileNetV2, 64), 'squeezenet11': (SqueezeNet11, 64), 'alexnet': (AlexNet, 127), 'densenet_block': (DenseBlock, 32), 'resnext_block': (ResNeXtBlock, 32)}

def randomize_bn(m):
    for b in m.modules():
        if isinstance(b, nn.BatchNorm2d):
            b.running_mean.uniform_(-0.5, 0.5); b.running_var.uniform_(0.5, 1.5); b.weight.data.uniform_(0.5, 1.5); b.bias.data.uniform_(-0.5, 0.5)

out = json.load(sys.stdin)['dir']
files = []
for name, (cls, size) in MODELS.items():
    m = cls().eval(); randomize_bn(m); x = torch.randn(1, 3, size, size)
    for opset in (13, 17):
        for fold in (True, False):
            f = f'{out}/{name}_op{opset}_{"fold" if fold else "nofold"}.onnx'
            torch.onnx.export(m, (x,), f, opset_version=opset, dynamo=False, do_constant_folding=fold)
            files.append(f)
    # torch's default exporter since 2.9 (dynamo, through onnxscript): AdaptiveAvgPool2d(1) as ReduceMean.
    f = f'{out}/{name}_dynamo_op18.onnx'
    with contextlib.redirect_stdout(sys.stderr):  # its progress lines; stdout is the JSON answer
        torch.onnx.export(m, (x,), f, opset_version=18, dynamo=True, external_data=False)
    files.append(f)
print(json.dumps(files))
