package org.blurnative.eval.muse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.blurnative.data.ContinuationRecord;
import org.blurnative.data.DatasetFiles;
import org.blurnative.data.QaRecord;
import org.blurnative.data.TextRecord;
import org.blurnative.data.TextSplit;

/**
 * One MUSE corpus (news or books) as MUSE ships it under data/&lt;corpus&gt;/:
 * verbmem/forget.json ({@code {"prompt", "gt"}}), knowmem/forget_qa.json and retain_qa.json with
 * their few-shot examples forget_qa_icl.json and retain_qa_icl.json ({@code {"question",
 * "answer"}}), and privleak/forget.json and holdout.json (texts: bare strings or {@code {"text"}}).
 * Everything is read, and every problem reported with its file, before a model loads.
 */
public record MuseData(
    List<ContinuationRecord> verbMemForget,
    List<QaRecord> knowMemForget,
    List<QaRecord> knowMemForgetShots,
    List<QaRecord> knowMemRetain,
    List<QaRecord> knowMemRetainShots,
    List<TextRecord> privLeakForget,
    List<TextRecord> privLeakHoldout) {

  public static MuseData read(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("--data " + dir + " is not a directory (MUSE's data/news or data/books)");
    }
    return new MuseData(
        DatasetFiles.readContinuations(file(dir, "verbmem/forget.json")),
        DatasetFiles.readQa(file(dir, "knowmem/forget_qa.json")),
        DatasetFiles.readQa(file(dir, "knowmem/forget_qa_icl.json")),
        DatasetFiles.readQa(file(dir, "knowmem/retain_qa.json")),
        DatasetFiles.readQa(file(dir, "knowmem/retain_qa_icl.json")),
        DatasetFiles.readText(file(dir, "privleak/forget.json"), TextSplit.LINE_PER_DOCUMENT),
        DatasetFiles.readText(file(dir, "privleak/holdout.json"), TextSplit.LINE_PER_DOCUMENT));
  }

  private static Path file(Path dir, String relative) {
    Path file = dir.resolve(relative);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("--data " + dir + " lacks " + relative + " (MUSE's layout)");
    }
    return file;
  }
}
