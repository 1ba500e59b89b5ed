/** The ONNX element-wise operators that are one Keras operation each (core/layers/operations.ts), both ways. */
export const ONNX_ELEMENTWISE: Readonly<Record<string, string>> = {
  Abs: 'Absolute',
  Neg: 'Negative',
  Sqrt: 'Sqrt',
  Exp: 'Exp',
  Log: 'Log',
  Reciprocal: 'Reciprocal',
  Floor: 'Floor',
  Ceil: 'Ceil',
  Sign: 'Sign',
  Sin: 'Sin',
  Cos: 'Cos',
  Tan: 'Tan',
  Erf: 'Erf',
};
