package org.blurnative.model;

import static org.bytedeco.pytorch.global.torch.ScalarType;
import static org.bytedeco.pytorch.global.torch.createCPUGenerator;
import static org.bytedeco.pytorch.global.torch.empty;
import static org.bytedeco.pytorch.global.torch.full;
import static org.bytedeco.pytorch.global.torch.isin;
import static org.bytedeco.pytorch.global.torch.ones;
import static org.bytedeco.pytorch.global.torch.softmax;
import static org.bytedeco.pytorch.global.torch.where;
import static org.bytedeco.pytorch.global.torch.zeros;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.DeviceOptional;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.T_TensorTensor_T;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;

/**
 * Batched decoding with left padding and a KV cache. Tokens stay on the device until a batch
 * ends; per step the host sees one boolean (have all rows stopped?).
 */
final class Generation {
  private Generation() {}

  static List<Completion> run(LlamaModel model, List<int[]> prompts, GenerationSettings s) {
    for (int i = 0; i < prompts.size(); i++) {
      if (prompts.get(i).length == 0) {
        throw new IllegalArgumentException("prompt " + i + " is empty; start it with BOS");
      }
    }
    // longest first, so each batch holds prompts of similar length and little padding
    Integer[] order = new Integer[prompts.size()];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, Comparator.comparingInt((Integer i) -> -prompts.get(i).length));
    Completion[] out = new Completion[prompts.size()];
    Generator sampler = createCPUGenerator(s.seed());
    for (int start = 0; start < order.length; start += s.batchSize()) {
      int end = Math.min(order.length, start + s.batchSize());
      List<int[]> batch = new ArrayList<>();
      for (int i = start; i < end; i++) {
        batch.add(prompts.get(order[i]));
      }
      Completion[] done = batch(model, batch, s, sampler);
      for (int i = start; i < end; i++) {
        out[order[i]] = done[i - start];
      }
    }
    return List.of(out);
  }

  private static Completion[] batch(LlamaModel model, List<int[]> prompts, GenerationSettings s,
      Generator sampler) {
    ModelConfig c = model.config();
    int b = prompts.size();
    int maxNew = s.maxNewTokens();
    Completion[] result = new Completion[b];
    if (maxNew == 0) {
      Arrays.fill(result, new Completion(new int[0], false));
      return result;
    }
    int tMax = prompts.stream().mapToInt(p -> p.length).max().orElseThrow();
    long pad = c.padTokenId() != null ? c.padTokenId()
        : c.eosTokenIds().isEmpty() ? 0 : c.eosTokenIds().get(0);
    long[] ids = new long[b * tMax];
    long[] mask = new long[b * tMax];
    Arrays.fill(ids, pad);
    for (int r = 0; r < b; r++) {
      int[] p = prompts.get(r);
      int offset = r * tMax + tMax - p.length;  // left padding
      for (int j = 0; j < p.length; j++) {
        ids[offset + j] = p[j];
        mask[offset + j] = 1;
      }
    }
    long[] eosIds = c.eosTokenIds().stream().mapToLong(Integer::longValue).toArray();
    Device device = model.device();
    TensorOptions longs = new TensorOptions(ScalarType.Long).device(new DeviceOptional(device));

    long[] generated;
    int produced = 0;
    try (PointerScope scope = new PointerScope(); NoGradGuard guard = new NoGradGuard()) {
      Tensor promptIds = HostArrays.longs(ids, b, tMax).to(device, ScalarType.Long);
      Tensor promptMask = HostArrays.longs(mask, b, tMax).to(device, ScalarType.Long);
      Tensor eos = HostArrays.longs(eosIds.length == 0 ? new long[] {-1} : eosIds,
          Math.max(1, eosIds.length)).to(device, ScalarType.Long);
      Tensor out = full(new long[] {b, maxNew}, new Scalar(pad), longs);
      Tensor finished = zeros(new long[] {b},
          new TensorOptions(ScalarType.Bool).device(new DeviceOptional(device)));
      Tensor stepMask = ones(new long[] {b, 1}, longs);

      // without the cache, the whole sequence is kept and re-run every step
      Tensor seqIds = null;
      Tensor seqMask = null;
      KvCache cache = null;
      Tensor logits;
      if (s.kvCache()) {
        cache = model.newCache(b, tMax + maxNew);
        logits = model.nextTokenLogits(promptIds, promptMask, cache);
      } else {
        seqIds = full(new long[] {b, tMax + maxNew}, new Scalar(pad), longs);
        seqMask = zeros(new long[] {b, tMax + maxNew}, longs);
        seqIds.narrow(1, 0, tMax).copy_(promptIds);
        seqMask.narrow(1, 0, tMax).copy_(promptMask);
        logits = model.nextTokenLogits(promptIds, promptMask, null);
      }
      try {
        for (int step = 0; step < maxNew; step++) {
          try (PointerScope stepScope = new PointerScope()) {
            Tensor next = where(finished, new Scalar(pad), pick(logits, s, sampler));  // (B)
            out.select(1, step).copy_(next);
            finished.logical_or_(isin(next, eos));
            produced = step + 1;
            if (step + 1 == maxNew || finished.all().item_bool()) {
              break;
            }
            Tensor nextLogits;
            if (cache != null) {
              nextLogits = model.nextTokenLogits(next.unsqueeze(1), stepMask, cache);
            } else {
              long len = tMax + step + 1;
              seqIds.select(1, len - 1).copy_(next);
              seqMask.select(1, len - 1).fill_(new Scalar(1L));
              nextLogits = model.nextTokenLogits(seqIds.narrow(1, 0, len),
                  seqMask.narrow(1, 0, len), null);
            }
            logits.copy_(nextLogits);
          }
        }
      } finally {
        if (cache != null) {
          cache.close();
        }
      }
      generated = HostArrays.toLongs(out.narrow(1, 0, produced));
    }

    for (int r = 0; r < b; r++) {
      int n = 0;
      boolean stopped = false;
      for (; n < produced; n++) {
        long tok = generated[r * produced + n];
        if (Arrays.stream(eosIds).anyMatch(e -> e == tok)) {
          stopped = true;
          break;
        }
      }
      int[] tokens = new int[n];
      for (int j = 0; j < n; j++) {
        tokens[j] = (int) generated[r * produced + j];
      }
      result[r] = new Completion(tokens, stopped);
    }
    return result;
  }

  /**
   * The next token of each row (B) from float32 logits (B, V): argmax, or a draw from the
   * temperature-scaled softmax restricted to the nucleus — the most likely tokens whose mass
   * before each one is still below top_p (transformers' TopPLogitsWarper, up to ties).
   */
  static Tensor pick(Tensor logits, GenerationSettings s, Generator sampler) {
    if (s.greedy()) {
      return logits.argmax(new LongOptional(-1), false);
    }
    long b = logits.size(0);
    long v = logits.size(1);
    T_TensorTensor_T sorted = logits.div(new Scalar(s.temperature())).sort(-1, true);
    Tensor sortedLogits = sorted.get0();   // (B, V), descending
    Tensor sortedIds = sorted.get1();
    Tensor probs = softmax(sortedLogits, -1);
    if (s.topP() < 1) {
      Tensor before = probs.cumsum(-1).sub(probs);  // mass of the more likely tokens
      probs = probs.masked_fill(before.ge(new Scalar(s.topP())), new Scalar(0.0));
    }
    // inverse CDF with a uniform drawn on the CPU: the same stream on every device
    Tensor cdf = probs.cumsum(-1);
    Tensor u = empty(new long[] {b, 1}, new TensorOptions(ScalarType.Float), new MemoryFormatOptional())
        .uniform_(0.0, 1.0, new GeneratorOptional(sampler))
        .to(logits.device(), ScalarType.Float)
        .mul(cdf.narrow(-1, v - 1, 1));
    Tensor index = cdf.lt(u).sum(new long[] {-1}, true, new ScalarTypeOptional(ScalarType.Long))
        .clamp_max(new Scalar(v - 1));
    return sortedIds.gather(-1, index).squeeze(-1);
  }
}
