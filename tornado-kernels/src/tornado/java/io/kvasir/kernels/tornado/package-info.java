/**
 * The TornadoVM versions of the kernels: static methods with {@code @Parallel} loops over TornadoVM
 * arrays, which TornadoVM compiles from their bytecode to OpenCL C or PTX. They sit in
 * {@code tornado-kernels} beside the scalar reference and the Vector-API CPU version of the same
 * operation, in their own source root ({@code src/tornado/java}) that only the {@code tornado} Maven
 * profile compiles, so a build without TornadoVM needs nothing of it. The forward pass that runs them
 * ({@code io.kvasir.tornado} in {@code tornado-backend}) only wires them into task graphs.
 *
 * <table>
 *   <caption>Each operation's three versions (CPU ones outside this module by simple name)</caption>
 *   <tr><th>Operation</th><th>Scalar reference</th><th>Vector API (CPU)</th><th>TornadoVM</th></tr>
 *   <tr><td>RMSNorm</td><td>{@link io.kvasir.kernels.ReferenceKernels#rmsNorm}</td>
 *       <td>{@link io.kvasir.kernels.VectorMath#rmsNorm}</td><td>{@link LinearKernels#rmsNorm}</td></tr>
 *   <tr><td>matrix-vector product (f32, f16, bf16 weights)</td><td>{@link io.kvasir.kernels.ReferenceKernels#matvec}</td>
 *       <td>{@link io.kvasir.kernels.WeightMatrix#matvec}</td><td>{@link LinearKernels#matvecF32} and the F16/BF16 ones</td></tr>
 *   <tr><td>prefill matrix product</td><td>{@link io.kvasir.kernels.ReferenceKernels#matvec} per token</td>
 *       <td>{@link io.kvasir.kernels.WeightMatrix#matmul}</td><td>{@link LinearKernels#matmulF32} and the F16/BF16 ones</td></tr>
 *   <tr><td>SwiGLU</td><td>none</td>
 *       <td>{@link io.kvasir.kernels.VectorMath#swiglu}</td><td>{@link LinearKernels#swiglu}</td></tr>
 *   <tr><td>RoPE</td><td>{@link io.kvasir.kernels.ReferenceKernels#rope}</td>
 *       <td>{@link io.kvasir.kernels.Rope#rotate}</td><td>{@link AttentionKernels#rope}</td></tr>
 *   <tr><td>softmax</td><td>{@link io.kvasir.kernels.ReferenceKernels#softmax}</td>
 *       <td>{@link io.kvasir.kernels.VectorMath#softmax}</td><td>{@link AttentionKernels#decodeSoftmax}</td></tr>
 *   <tr><td>decode attention over the cache</td><td>{@link io.kvasir.kernels.ReferenceKernels#attend}</td>
 *       <td>the model's decode step (VectorMath dot, softmax, axpy)</td>
 *       <td>{@link AttentionKernels#decodeScores}, {@code decodeSoftmax}, {@code decodeValues}</td></tr>
 *   <tr><td>causal prefill attention</td><td>{@link io.kvasir.kernels.ReferenceKernels#causalAttention}</td>
 *       <td>the model's prefill attention</td><td>{@link AttentionKernels#prefillAttention}</td></tr>
 *   <tr><td>16-bit float conversions</td><td>{@link Float#float16ToFloat}, {@link Float#floatToFloat16}</td>
 *       <td>{@code HalfWidth} (F16 and BF16 weights and the F16 cache)</td><td>{@link HalfBits}</td></tr>
 *   <tr><td>KIVI quantization and attention on codes</td><td>{@link io.kvasir.kernels.MinMaxQuantizer}</td>
 *       <td>{@code KiviHeadStore} (compression)</td><td>{@link QuantKernels}</td></tr>
 *   <tr><td>observation-window scores, GQA reduction, pooling, top-k, kept positions</td>
 *       <td colspan="2">{@code ObservationScores}, {@code GqaScores}, {@code ScorePooling}, {@code TopK},
 *       {@code KeptPositions} (compression)</td><td>{@link SelectionKernels}</td></tr>
 * </table>
 *
 * <p>The kernels are tested against those CPU versions in {@code tornado-backend}'s tests, the module
 * that sees both them and the compression module.
 */
package io.kvasir.kernels.tornado;
