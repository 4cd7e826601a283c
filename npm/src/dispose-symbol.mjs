// `using m = new X()` disposes m at the end of the block: Symbol.dispose as a class's dispose(),
// where the runtime has the symbol. One definition for every class with a dispose() (Metric,
// HeapInput, JsMetric and so every class of the JS layer).
export function addDisposeSymbol(cls) {
  if (typeof Symbol.dispose === 'symbol') {
    Object.defineProperty(cls.prototype, Symbol.dispose, {
      value: function dispose() {
        this.dispose();
      },
      writable: true,
      configurable: true,
    });
  }
}
