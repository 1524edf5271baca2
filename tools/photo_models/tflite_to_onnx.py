"""Minimal TFLite -> ONNX converter for MediaPipe face/selfie models (float16-weight, NHWC).
Keeps the ONNX input/outputs in TFLite's NHWC layout; inside, 4-D activations are NCHW.
Handles the MediaPipe custom op Convolution2DTransposeBias.

Origin: the team's shared tool tflite_to_onnx.py (written for this workplace, checked against
ai-edge-litert 2.3.0: max |diff| 7.6e-5 detector, 1.4e-4 landmarks, 8.9e-5 selfie mask);
copied here so the project can rebuild assets/models from its own files. Change since:
ReduceMean takes its axes as an attribute (opset 17). Usage: tflite_to_onnx.py IN.tflite OUT.onnx"""
import sys, struct, numpy as np, onnx, tflite
from onnx import helper as H, numpy_helper as NH, TensorProto as TP
from tflite.BuiltinOperator import BuiltinOperator as BO
from tflite.TensorType import TensorType as TT
OPN = {v: k for k, v in BO.__dict__.items() if not k.startswith('_')}
NP = {TT.FLOAT32: np.float32, TT.FLOAT16: np.float16, TT.INT32: np.int32, TT.INT64: np.int64}
import importlib
def opts(op, cls):
    mod = importlib.import_module('tflite.' + cls); o = getattr(mod, cls)(); t = op.BuiltinOptions()
    o.Init(t.Bytes, t.Pos); return o

def convert(path, out):
    m = tflite.Model.GetRootAsModel(open(path, 'rb').read(), 0); g = m.Subgraphs(0)
    nodes, inits, consts, layout, shape = [], [], {}, {}, {}
    def tname(i): return g.Tensors(i).Name().decode() + f'__{i}'
    for i in range(g.TensorsLength()):
        t = g.Tensors(i); shape[i] = [int(s) for s in t.ShapeAsNumpy()] if t.ShapeLength() else []
        b = m.Buffers(t.Buffer()).DataAsNumpy()
        if not isinstance(b, int) and b.size:
            consts[i] = np.frombuffer(b.tobytes(), NP[t.Type()]).reshape(shape[i])
    def cval(i): return consts[i].astype(np.float32) if consts[i].dtype == np.float16 else consts[i]
    cnt = [0]
    def add_init(arr, hint='c'):
        cnt[0] += 1; n = f'{hint}_{cnt[0]}'; inits.append(NH.from_array(np.ascontiguousarray(arr), n)); return n
    def act(x, f, outn):
        if f == 0: return x
        y = outn + '_pre'
        if f == 1: nodes.append(H.make_node('Relu', [y], [outn]))
        elif f == 3: nodes.append(H.make_node('Clip', [y, add_init(np.float32(0)), add_init(np.float32(6))], [outn]))
        else: raise NotImplementedError(f'fused act {f}')
        return y
    def same_pads(inhw, k, s, d, valid):
        if valid: return [0, 0, 0, 0]
        pb, pa = [], []
        for n, kk, ss, dd in zip(inhw, k, s, d):
            o = -(-n // ss); tot = max((o - 1) * ss + (kk - 1) * dd + 1 - n, 0); pb.append(tot // 2); pa.append(tot - tot // 2)
        return pb + pa
    def inp(i):  # activation input name; constant -> initializer in NCHW-compatible shape
        if i in consts:
            a = cval(i)
            if a.ndim == 4: a = a.transpose(0, 3, 1, 2)
            elif a.ndim in (1, 3) and a.dtype == np.float32 and a.shape[-1] > 1: a = a.reshape(-1, 1, 1) if a.ndim == 1 else a.transpose(2, 0, 1)
            return add_init(a)
        return tname(i)
    gin = g.Inputs(0); x0 = tname(gin)
    inputs = [H.make_tensor_value_info('input', TP.FLOAT, shape[gin])]
    nodes.append(H.make_node('Transpose', ['input'], [x0], perm=[0, 3, 1, 2]))
    for k in range(g.OperatorsLength()):
        op = g.Operators(k); oc = m.OperatorCodes(op.OpcodeIndex()); code = max(oc.BuiltinCode(), oc.DeprecatedBuiltinCode())
        name = OPN[code] if code != BO.CUSTOM else 'CUSTOM:' + oc.CustomCode().decode()
        I = [op.Inputs(j) for j in range(op.InputsLength())]; O = [op.Outputs(j) for j in range(op.OutputsLength())]
        on = tname(O[0])
        if name == 'DEQUANTIZE':
            consts[O[0]] = consts[I[0]].astype(np.float32); continue
        if name in ('CONV_2D', 'DEPTHWISE_CONV_2D'):
            o = opts(op, 'Conv2DOptions' if name == 'CONV_2D' else 'DepthwiseConv2DOptions')
            w = cval(I[1]); kh, kw = w.shape[1:3]
            if name == 'CONV_2D': W = w.transpose(0, 3, 1, 2); grp = 1
            else: W = w.transpose(3, 0, 1, 2); grp = shape[I[0]][3]
            d = [o.DilationHFactor(), o.DilationWFactor()]; s = [o.StrideH(), o.StrideW()]
            pads = same_pads(shape[I[0]][1:3], [kh, kw], s, d, o.Padding() == 1)
            ins = [inp(I[0]), add_init(W, 'w')] + ([add_init(cval(I[2]), 'b')] if len(I) > 2 and I[2] >= 0 else [])
            nodes.append(H.make_node('Conv', ins, [act(on, o.FusedActivationFunction(), on)], kernel_shape=[kh, kw], strides=s, dilations=d, pads=pads, group=grp))
        elif name == 'CUSTOM:Convolution2DTransposeBias':
            pad, sw, sh = struct.unpack('<iii', bytes(op.CustomOptionsAsNumpy())[:12])
            w = cval(I[1]); kh, kw = w.shape[1:3]; ih, iw = shape[I[0]][1:3]; oh, ow = shape[O[0]][1:3]
            th, tw = sh * (ih - 1) + kh - oh, sw * (iw - 1) + kw - ow
            nodes.append(H.make_node('ConvTranspose', [inp(I[0]), add_init(w.transpose(3, 0, 1, 2), 'w'), add_init(cval(I[2]), 'b')], [on],
                                     kernel_shape=[kh, kw], strides=[sh, sw], pads=[th // 2, tw // 2, th - th // 2, tw - tw // 2]))
        elif name in ('ADD', 'MUL', 'SUB'):
            o = opts(op, {'ADD': 'AddOptions', 'MUL': 'MulOptions', 'SUB': 'SubOptions'}[name])
            nodes.append(H.make_node(name.capitalize(), [inp(I[0]), inp(I[1])], [act(on, o.FusedActivationFunction(), on)]))
        elif name in ('RELU', 'LOGISTIC', 'HARD_SWISH', 'TANH'):
            nodes.append(H.make_node({'RELU': 'Relu', 'LOGISTIC': 'Sigmoid', 'HARD_SWISH': 'HardSwish', 'TANH': 'Tanh'}[name], [inp(I[0])], [on]))
        elif name == 'PRELU':
            nodes.append(H.make_node('PRelu', [inp(I[0]), add_init(cval(I[1]).reshape(-1, 1, 1))], [on]))
        elif name in ('AVERAGE_POOL_2D', 'MAX_POOL_2D'):
            o = opts(op, 'Pool2DOptions'); k_ = [o.FilterHeight(), o.FilterWidth()]; s = [o.StrideH(), o.StrideW()]
            pads = same_pads(shape[I[0]][1:3], k_, s, [1, 1], o.Padding() == 1)
            kw_ = dict(kernel_shape=k_, strides=s, pads=pads)
            if name == 'AVERAGE_POOL_2D': kw_['count_include_pad'] = 0
            nodes.append(H.make_node('AveragePool' if name == 'AVERAGE_POOL_2D' else 'MaxPool', [inp(I[0])], [act(on, o.FusedActivationFunction(), on)], **kw_))
        elif name == 'MEAN':
            ax = [[0, 2, 3, 1][a] for a in cval(I[1]).reshape(-1)]
            nodes.append(H.make_node('ReduceMean', [inp(I[0])], [on], axes=ax, keepdims=opts(op, 'ReducerOptions').KeepDims()))  # opset 17: axes is an attribute
        elif name == 'PAD':
            p = cval(I[1])[[0, 3, 1, 2]]
            nodes.append(H.make_node('Pad', [inp(I[0]), add_init(np.concatenate([p[:, 0], p[:, 1]]).astype(np.int64))], [on]))
        elif name == 'RESIZE_BILINEAR':
            o = opts(op, 'ResizeBilinearOptions'); hw = cval(I[1]); n_, c_ = shape[I[0]][0], shape[I[0]][3]
            ct = 'align_corners' if o.AlignCorners() else ('half_pixel' if o.HalfPixelCenters() else 'asymmetric')
            nodes.append(H.make_node('Resize', [inp(I[0]), '', '', add_init(np.array([n_, c_, hw[0], hw[1]], np.int64))], [on], mode='linear', coordinate_transformation_mode=ct))
        elif name == 'RESHAPE':
            src = inp(I[0])
            if len(shape[I[0]]) == 4:
                nodes.append(H.make_node('Transpose', [src], [src + '_nhwc'], perm=[0, 2, 3, 1])); src += '_nhwc'
            tgt = shape[O[0]]
            if len(tgt) == 4:
                nodes.append(H.make_node('Reshape', [src, add_init(np.array(tgt, np.int64))], [on + '_nhwc']))
                nodes.append(H.make_node('Transpose', [on + '_nhwc'], [on], perm=[0, 3, 1, 2]))
            else: nodes.append(H.make_node('Reshape', [src, add_init(np.array(tgt, np.int64))], [on]))
        elif name == 'CONCATENATION':
            o = opts(op, 'ConcatenationOptions'); r = len(shape[O[0]]); ax = o.Axis() % r
            if r == 4: ax = [0, 2, 3, 1][ax]
            nodes.append(H.make_node('Concat', [inp(i) for i in I], [act(on, o.FusedActivationFunction(), on)], axis=ax))
        else: raise NotImplementedError(name)
    outputs = []
    for j in range(g.OutputsLength()):
        o = g.Outputs(j); nm = g.Tensors(o).Name().decode()
        if len(shape[o]) == 4: nodes.append(H.make_node('Transpose', [tname(o)], [nm], perm=[0, 2, 3, 1]))
        else: nodes.append(H.make_node('Identity', [tname(o)], [nm]))
        outputs.append(H.make_tensor_value_info(nm, TP.FLOAT, shape[o]))
    model = H.make_model(H.make_graph(nodes, 'g', inputs, outputs, inits), opset_imports=[H.make_opsetid('', 17)], producer_name='tfl2onnx.py')
    onnx.checker.check_model(model); onnx.save(model, out); print('wrote', out)
if __name__ == '__main__': convert(sys.argv[1], sys.argv[2])
