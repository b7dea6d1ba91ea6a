package org.blurnative.model;

import static org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.Locale;

/**
 * The element types a checkpoint may hold, under the three names they go by: config.json's
 * torch_dtype, safetensors' header code, and LibTorch's ScalarType.
 */
public enum Dtype {
  FLOAT32("float32", "F32", 4, ScalarType.Float),
  BFLOAT16("bfloat16", "BF16", 2, ScalarType.BFloat16),
  FLOAT16("float16", "F16", 2, ScalarType.Half),
  FLOAT64("float64", "F64", 8, ScalarType.Double),
  INT64("int64", "I64", 8, ScalarType.Long),
  INT32("int32", "I32", 4, ScalarType.Int);

  private final String torchName;
  private final String safetensorsCode;
  private final int bytes;
  private final ScalarType scalarType;

  Dtype(String torchName, String safetensorsCode, int bytes, ScalarType scalarType) {
    this.torchName = torchName;
    this.safetensorsCode = safetensorsCode;
    this.bytes = bytes;
    this.scalarType = scalarType;
  }

  /** As config.json writes it: "bfloat16". */
  public String torchName() {
    return torchName;
  }

  /** As a safetensors header writes it: "BF16". */
  public String safetensorsCode() {
    return safetensorsCode;
  }

  /** Bytes per element. */
  public int bytes() {
    return bytes;
  }

  public ScalarType scalarType() {
    return scalarType;
  }

  /** Whether a model may compute in this type. */
  public boolean isFloatingModelType() {
    return this == FLOAT32 || this == BFLOAT16 || this == FLOAT16;
  }

  /** From config.json's torch_dtype ("bfloat16", also "torch.bfloat16"); null when unknown. */
  public static Dtype fromTorchName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    if (n.startsWith("torch.")) {
      n = n.substring("torch.".length());
    }
    for (Dtype d : values()) {
      if (d.torchName.equals(n)) {
        return d;
      }
    }
    return switch (n) {
      case "float", "fp32" -> FLOAT32;
      case "half", "fp16" -> FLOAT16;
      case "bf16" -> BFLOAT16;
      default -> null;
    };
  }

  /** From a safetensors header code ("F32"); null when unsupported. */
  public static Dtype fromSafetensorsCode(String code) {
    for (Dtype d : values()) {
      if (d.safetensorsCode.equals(code)) {
        return d;
      }
    }
    return null;
  }

  /** The Dtype of a LibTorch ScalarType (interned here: JavaCPP hands out enum copies). */
  public static Dtype of(ScalarType type) {
    ScalarType t = type.intern();
    for (Dtype d : values()) {
      if (d.scalarType == t) {
        return d;
      }
    }
    throw new IllegalArgumentException("unsupported tensor dtype " + t);
  }
}
