package org.blurnative.eval.memorization;

/** Checks shared by the teacher-forced memorization metrics. */
final class TeacherForced {
  private TeacherForced() {}

  static void requireSameLength(int[] predicted, int[] labels) {
    if (predicted.length != labels.length) {
      throw new IllegalArgumentException("teacher-forced predictions (" + predicted.length
          + ") and labels (" + labels.length + ") differ in length");
    }
  }
}
