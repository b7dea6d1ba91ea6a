package org.blurnative.kernel;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.pytorch.AbstractTensor;
import org.bytedeco.pytorch.Tensor;

/**
 * The `java` backend: plain Java in float64, the reference every other backend is tested against.
 * Slow by design; θ is rounded to float32 only when stored, the AdamW moments stay float64.
 */
final class JavaKernel implements UpdateKernel {

  @Override
  public String name() {
    return "java";
  }

  @Override
  public GradientSums reduce(Tensor gradForget, Tensor gradRetain) {
    HostVector gf = HostVector.of("g_f", gradForget);
    HostVector gr = HostVector.of("g_r", gradRetain);
    requireSameLength(gf, gr);
    CompensatedSum dot = new CompensatedSum(), ff = new CompensatedSum(), rr = new CompensatedSum();
    for (int i = 0; i < gf.length(); i++) {
      double a = gf.get(i), b = gr.get(i);
      dot.add(a * b);  // products of float32 values are exact in float64
      ff.add(a * a);
      rr.add(b * b);
    }
    return GradientSums.of(dot.value(), ff.value(), rr.value());
  }

  @Override
  public void combine(Tensor gradForget, Tensor gradRetain, double cf, double cr, Tensor u) {
    HostVector gf = HostVector.of("g_f", gradForget);
    HostVector gr = HostVector.of("g_r", gradRetain);
    HostVector out = HostVector.of("u", u);
    requireSameLength(gf, gr);
    requireSameLength(gf, out);
    for (int i = 0; i < gf.length(); i++) {
      out.set(i, cf * gf.get(i) + cr * gr.get(i));
    }
  }

  @Override
  public FlatOptimizer optimizer(Tensor theta, OptimizerSettings settings) {
    FlatBuffer.float32("θ", theta, false);
    HostVector params = HostVector.of("θ", theta);
    if (settings instanceof OptimizerSettings.AdamW adamW) {
      return new AdamW(params, adamW);
    }
    return new Sgd(params, (OptimizerSettings.Sgd) settings);
  }

  /**
   * Neumaier's compensated sum: the reference must be more accurate than what it checks, and a
   * plain running sum of 50M squares is off by ~1e-12 relative, as much as the kernels' own error.
   */
  private static final class CompensatedSum {
    private double sum;
    private double compensation;

    void add(double x) {
      double t = sum + x;
      compensation += Math.abs(sum) >= Math.abs(x) ? (sum - t) + x : (x - t) + sum;
      sum = t;
    }

    double value() {
      return sum + compensation;
    }
  }

  private static void requireSameLength(HostVector a, HostVector b) {
    if (a.length() != b.length()) {
      throw new IllegalArgumentException(
          "flat buffers differ in length: " + a.length() + " and " + b.length());
    }
  }

  /** Shared bookkeeping: the gradient pair is checked against θ, and steps are counted. */
  private abstract static class Stepper implements FlatOptimizer {
    final HostVector theta;
    long steps;

    Stepper(HostVector theta) {
      this.theta = theta;
    }

    @Override
    public final void step(Tensor gradForget, Tensor gradRetain, double cf, double cr, double lr) {
      HostVector gf = HostVector.of("g_f", gradForget);
      HostVector gr = HostVector.of("g_r", gradRetain);
      requireSameLength(theta, gf);
      requireSameLength(gf, gr);
      steps++;
      prepare(lr);
      for (int i = 0; i < theta.length(); i++) {
        update(i, cf * gf.get(i) + cr * gr.get(i));
      }
    }

    /** Per-step scalars, before the first element. */
    abstract void prepare(double lr);

    /** θ_i ← update of θ_i along direction u_i. */
    abstract void update(int i, double u);

    @Override
    public final long steps() {
      return steps;
    }

    /** State arrays by name, saved as float64 tensors. */
    abstract Map<String, double[]> state();

    @Override
    public final void save(Path file) throws IOException {
      Map<String, Tensor> tensors = new TreeMap<>();
      state().forEach((name, values) -> tensors.put(name, AbstractTensor.create(values)));
      OptimizerArchive.save(file, steps, tensors);
    }

    @Override
    public final void load(Path file) {
      Map<String, Tensor> tensors = new TreeMap<>();
      state().forEach((name, values) -> tensors.put(name, AbstractTensor.create(values)));
      steps = OptimizerArchive.load(file, tensors);
      state().forEach((name, values) ->
          new DoublePointer(tensors.get(name).data_ptr()).capacity(values.length).get(values));
    }

    @Override
    public final void copyStateFrom(FlatOptimizer source, long from, long to, long length) {
      Map<String, double[]> theirs = FlatOptimizer.sameKind(source, this).state();
      state().forEach((name, mine) ->
          System.arraycopy(theirs.get(name), Math.toIntExact(from), mine, Math.toIntExact(to), Math.toIntExact(length)));
      steps = source.steps();
    }

    @Override
    public void close() {}
  }

  private static final class Sgd extends Stepper {
    private final double weightDecay;
    private double lr;

    Sgd(HostVector theta, OptimizerSettings.Sgd settings) {
      super(theta);
      this.weightDecay = settings.weightDecay();
    }

    @Override
    void prepare(double lr) {
      this.lr = lr;
    }

    @Override
    Map<String, double[]> state() {
      return Map.of();
    }

    @Override
    void update(int i, double u) {
      theta.set(i, theta.get(i) * (1 - lr * weightDecay) - lr * u);
    }
  }

  private static final class AdamW extends Stepper {
    private final OptimizerSettings.AdamW s;
    private final double[] m;
    private final double[] v;

    AdamW(HostVector theta, OptimizerSettings.AdamW settings) {
      super(theta);
      this.s = settings;
      this.m = new double[theta.length()];
      this.v = new double[theta.length()];
    }

    private double lr;
    private double biasCorrection1;
    private double biasCorrection2;

    @Override
    Map<String, double[]> state() {
      return Map.of("m", m, "v", v);
    }

    @Override
    void prepare(double lr) {
      this.lr = lr;
      biasCorrection1 = 1 - Math.pow(s.beta1(), steps);
      biasCorrection2 = 1 - Math.pow(s.beta2(), steps);
    }

    @Override
    void update(int i, double u) {
      m[i] = s.beta1() * m[i] + (1 - s.beta1()) * u;
      v[i] = s.beta2() * v[i] + (1 - s.beta2()) * u * u;
      double denom = Math.sqrt(v[i] / biasCorrection2) + s.eps();
      theta.set(i, theta.get(i) * (1 - lr * s.weightDecay()) - lr / biasCorrection1 * m[i] / denom);
    }
  }
}
