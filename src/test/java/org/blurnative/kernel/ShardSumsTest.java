package org.blurnative.kernel;

import static org.bytedeco.pytorch.global.torch.ScalarType;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.blurnative.kernel.jni.BlurNative;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

/**
 * blur_sums_add, the C entry point a sharded trainer uses to combine each rank's reduce: three
 * shards cut off the 65,536-element block grid add up to the whole vector's (d, F, R), and to
 * exactly what {@link GradientSums#plus} gives, with a NaN in one shard flagging the total.
 */
class ShardSumsTest {
  static final long N = 3 * 65_536 + 17;
  static final long[] CUTS = {0, 65_536 + 5, 2 * 65_536 + 1000, N};

  static BlurNative.Sums reduce(Tensor gf, Tensor gr, long from, long to) {
    BlurNative.Sums out = new BlurNative.Sums();
    long offset = from * 4;  // float32
    int status = BlurNative.blur_reduce(gf.data_ptr().address() + offset, gr.data_ptr().address() + offset,
        to - from, BlurNative.BLUR_F32, out);
    assertEquals(0, status, BlurNative.blur_last_error().getString());
    return out;
  }

  static GradientSums sums(BlurNative.Sums s) {
    return new GradientSums(s.dot(), s.ff(), s.rr(), s.nonfinite() != 0);
  }

  @Test
  void shardsAddUpToTheWholeVectorInRankOrder() {
    Vectors v = new Vectors();
    try (PointerScope scope = new PointerScope()) {
      Tensor gf = v.normal(N, ScalarType.Float), gr = v.normal(N, ScalarType.Float);
      GradientSums whole = sums(reduce(gf, gr, 0, N));

      BlurNative.Sums total = reduce(gf, gr, CUTS[0], CUTS[1]);
      GradientSums inJava = sums(total);
      for (int rank = 1; rank + 1 < CUTS.length; rank++) {
        BlurNative.Sums shard = reduce(gf, gr, CUTS[rank], CUTS[rank + 1]);
        inJava = inJava.plus(sums(shard));
        assertEquals(BlurNative.BLUR_OK, BlurNative.blur_sums_add(total, shard));
      }
      assertEquals(inJava, sums(total), "C and Java add the shards identically; " + v.context(N, ScalarType.Float));
      double scale = Math.sqrt(whole.ff() * whole.rr());
      assertEquals(whole.dot(), total.dot(), 1e-13 * scale, v.context(N, ScalarType.Float));
      assertEquals(whole.ff(), total.ff(), 1e-13 * whole.ff());
      assertEquals(whole.rr(), total.rr(), 1e-13 * whole.rr());
      assertEquals(0, total.nonfinite());
    }
  }

  @Test
  void aNonFiniteShardFlagsTheTotal() {
    Vectors v = new Vectors();
    try (PointerScope scope = new PointerScope()) {
      Tensor gf = v.normal(N, ScalarType.Float), gr = v.normal(N, ScalarType.Float);
      gr.fill_(new org.bytedeco.pytorch.Scalar(Float.NaN));  // every element: any shard would do
      BlurNative.Sums clean = reduce(gf, gf, 0, CUTS[1]);
      BlurNative.Sums dirty = reduce(gf, gr, CUTS[1], N);
      assertEquals(1, dirty.nonfinite());
      assertEquals(BlurNative.BLUR_OK, BlurNative.blur_sums_add(clean, dirty));
      assertEquals(1, clean.nonfinite());
    }
  }
}
