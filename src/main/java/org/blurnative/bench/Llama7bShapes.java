package org.blurnative.bench;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The 291 parameter tensors of LLaMA-7B in Hugging Face order, and the same list shrunk to any
 * total n: the `per-tensor` baseline walks these like the reference code walks
 * {@code model.parameters()}, so its per-tensor overheads (kernel launches, {@code .item()}
 * syncs) are counted at the real tensor count whatever n is.
 */
public final class Llama7bShapes {

  /** One parameter: its Hugging Face name and shape. */
  public record Param(String name, long... shape) {
    public long numel() {
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      return n;
    }
  }

  // LLaMA-7B's config.json
  private static final long VOCAB = 32000;
  private static final long HIDDEN = 4096;
  private static final long INTERMEDIATE = 11008;
  private static final int LAYERS = 32;

  private static final List<Param> PARAMS = build();

  private Llama7bShapes() {}

  /** The tensors of LlamaForCausalLM, as named_parameters() yields them. */
  public static List<Param> params() {
    return PARAMS;
  }

  /** 6,738,415,616: LLaMA-7B's parameter count. */
  public static long total() {
    return PARAMS.stream().mapToLong(Param::numel).sum();
  }

  /**
   * Element counts, one per tensor, that sum exactly to n and keep the tensors' proportions: each
   * gets floor(n·size/total), at least 1; the elements the floors left over go to the largest
   * fractional parts, and the elements the minimum of 1 added are taken back from the largest
   * tensors. At n = total() this gives the real sizes.
   *
   * @throws IllegalArgumentException when n is smaller than the tensor count
   */
  public static long[] scaledTo(long n) {
    int count = PARAMS.size();
    if (n < count) {
      throw new IllegalArgumentException(
          "the per-tensor baseline needs n >= " + count + " (one element per LLaMA-7B tensor), got " + n);
    }
    BigInteger total = BigInteger.valueOf(total());
    long[] counts = new long[count];
    BigInteger[] remainders = new BigInteger[count];
    long given = 0;
    for (int i = 0; i < count; i++) {
      // exact integer arithmetic: n·size passes 2^63 for n in the billions
      BigInteger[] qr = BigInteger.valueOf(n).multiply(BigInteger.valueOf(PARAMS.get(i).numel()))
          .divideAndRemainder(total);
      counts[i] = Math.max(1, qr[0].longValueExact());
      remainders[i] = qr[0].signum() == 0 ? BigInteger.ZERO : qr[1];  // raised to 1 already
      given += counts[i];
    }
    long left = n - given;
    if (left > 0) {  // fewer than count: each floor lost less than one element
      int[] byRemainder = IntStream.range(0, count).boxed()
          .sorted(Comparator.comparing((Integer i) -> remainders[i]).reversed().thenComparing(i -> i))
          .mapToInt(Integer::intValue).toArray();
      for (int k = 0; k < left; k++) {
        counts[byRemainder[k]]++;
      }
    }
    for (; left < 0; left++) {  // n >= count guarantees some tensor still has more than 1
      int largest = 0;
      for (int i = 1; i < count; i++) {
        largest = counts[i] > counts[largest] ? i : largest;
      }
      counts[largest]--;
    }
    return counts;
  }

  private static List<Param> build() {
    List<Param> p = new ArrayList<>();
    p.add(new Param("model.embed_tokens.weight", VOCAB, HIDDEN));
    for (int l = 0; l < LAYERS; l++) {
      String layer = "model.layers." + l + ".";
      p.add(new Param(layer + "self_attn.q_proj.weight", HIDDEN, HIDDEN));
      p.add(new Param(layer + "self_attn.k_proj.weight", HIDDEN, HIDDEN));
      p.add(new Param(layer + "self_attn.v_proj.weight", HIDDEN, HIDDEN));
      p.add(new Param(layer + "self_attn.o_proj.weight", HIDDEN, HIDDEN));
      p.add(new Param(layer + "mlp.gate_proj.weight", INTERMEDIATE, HIDDEN));
      p.add(new Param(layer + "mlp.up_proj.weight", INTERMEDIATE, HIDDEN));
      p.add(new Param(layer + "mlp.down_proj.weight", HIDDEN, INTERMEDIATE));
      p.add(new Param(layer + "input_layernorm.weight", HIDDEN));
      p.add(new Param(layer + "post_attention_layernorm.weight", HIDDEN));
    }
    p.add(new Param("model.norm.weight", HIDDEN));
    p.add(new Param("lm_head.weight", VOCAB, HIDDEN));
    return List.copyOf(p);
  }
}
