package org.blurnative.model;

import static org.bytedeco.pytorch.global.torch.zeros;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.DeviceOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;

/**
 * Parameters in one fixed order, each owning the slice [offset, offset + numel) of a flat vector:
 * the shared address book of g_f, g_r, θ and the optimizer state (DESIGN.md §2).
 */
public final class ParameterLayout {

  /** One parameter's place in the flat vector. */
  public record Slice(String name, long offset, long numel, long[] shape) {
    @Override
    public String toString() {
      return name + " " + Arrays.toString(shape) + " @" + offset;
    }
  }

  private final List<Slice> slices;
  private final Map<String, Tensor> parameters;
  private final long numel;
  private final Dtype dtype;
  private final Device device;

  private ParameterLayout(Map<String, Tensor> parameters) {
    if (parameters.isEmpty()) {
      throw new IllegalArgumentException("no parameters to lay out (is anything trainable?)");
    }
    List<Slice> s = new ArrayList<>();
    long offset = 0;
    Dtype firstType = null;
    Device firstDevice = null;
    for (Map.Entry<String, Tensor> e : parameters.entrySet()) {
      Tensor p = e.getValue();
      Dtype type = Dtype.of(p.scalar_type());
      if (firstType == null) {
        firstType = type;
        firstDevice = Lifetime.keep(p.device());
      } else if (type != firstType || !p.device().equals(firstDevice)) {
        throw new IllegalArgumentException("parameters must share one dtype and device: "
            + e.getKey() + " is " + type.torchName() + " on " + p.device().str().getString()
            + ", the first was " + firstType.torchName() + " on " + firstDevice.str().getString());
      }
      s.add(new Slice(e.getKey(), offset, p.numel(), p.sizes().vec().get()));
      offset += p.numel();
    }
    this.slices = List.copyOf(s);
    this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    this.numel = offset;
    this.dtype = firstType;
    this.device = firstDevice;
  }

  /** The parameters in the map's order. */
  public static ParameterLayout of(Map<String, Tensor> parameters) {
    return new ParameterLayout(parameters);
  }

  /** The model's trainable parameters (requires_grad), in Hugging Face order. */
  public static ParameterLayout trainable(LlamaModel model) {
    return new ParameterLayout(model.trainableParameters());
  }

  public List<Slice> slices() {
    return slices;
  }

  /** The parameters, in layout order. */
  public Map<String, Tensor> parameters() {
    return parameters;
  }

  /** Length of the flat vector. */
  public long numel() {
    return numel;
  }

  /** The parameters' dtype (the dtype their gradients must have). */
  public Dtype dtype() {
    return dtype;
  }

  public Device device() {
    return device;
  }

  /** {@code flat}'s slice for {@code s}, shaped as the parameter: a view, no copy. */
  public Tensor view(Tensor flat, Slice s) {
    return flat.narrow(0, s.offset(), s.numel()).view(s.shape());
  }

  /** A zeroed flat vector of {@code type} on the parameters' device, alive beyond any scope. */
  public Tensor allocate(Dtype type) {
    return allocate(type, numel);
  }

  /**
   * As {@link #allocate(Dtype)}, {@code capacity} elements long: the layout's {@link #numel} and,
   * past them, zeros that collectives cutting the buffer into equal shards need.
   */
  public Tensor allocate(Dtype type, long capacity) {
    if (capacity < numel) {
      throw new IllegalArgumentException("a flat buffer of " + numel + " parameters needs " + numel
          + " elements or more, got " + capacity);
    }
    return Lifetime.keep(zeros(new long[] {capacity},
        new TensorOptions(type.scalarType()).device(new DeviceOptional(device))));
  }

  /** Checks that {@code flat} can hold this layout: 1-D, contiguous, {@code type}, same device. */
  void requireFlat(String what, Tensor flat, Dtype type) {
    if (flat.dim() != 1 || flat.numel() != numel) {
      throw new IllegalArgumentException(what + " must be a flat vector of " + numel
          + " elements, got shape " + Arrays.toString(flat.sizes().vec().get()));
    }
    if (!flat.is_contiguous()) {
      throw new IllegalArgumentException(what + " must be contiguous");
    }
    Dtype actual = Dtype.of(flat.scalar_type());
    if (actual != type) {
      throw new IllegalArgumentException(what + " must be " + type.torchName() + ", got "
          + actual.torchName());
    }
    if (!flat.device().equals(device)) {
      throw new IllegalArgumentException(what + " must be on " + device.str().getString()
          + ", got " + flat.device().str().getString());
    }
  }

}
