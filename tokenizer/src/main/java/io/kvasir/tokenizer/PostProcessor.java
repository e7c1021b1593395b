package io.kvasir.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** tokenizer.json's post_processor for a single sequence: adds special tokens (BOS, CLS/SEP) around the ids. */
sealed interface PostProcessor {
    int[] process(int[] ids);

    record Sequence(List<PostProcessor> steps) implements PostProcessor {
        @Override
        public int[] process(int[] ids) {
            for (PostProcessor p : steps) {
                ids = p.process(ids);
            }
            return ids;
        }
    }

    /** ByteLevel only adjusts offsets; ids pass through. */
    record Identity() implements PostProcessor {
        @Override
        public int[] process(int[] ids) {
            return ids;
        }
    }

    /** The "single" template: fixed ids before and after the sequence ("$A"). */
    record Template(int[] before, int[] after) implements PostProcessor {
        @Override
        public int[] process(int[] ids) {
            int[] out = new int[before.length + ids.length + after.length];
            System.arraycopy(before, 0, out, 0, before.length);
            System.arraycopy(ids, 0, out, before.length, ids.length);
            System.arraycopy(after, 0, out, before.length + ids.length, after.length);
            return out;
        }
    }

    /** Builds the post-processor a tokenizer.json node describes; null for a JSON null. */
    static PostProcessor parse(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        String type = node.path("type").asText("");
        return switch (type) {
            case "Sequence" -> {
                List<PostProcessor> steps = new ArrayList<>();
                for (JsonNode n : node.path("processors")) {
                    steps.add(parse(n));
                }
                yield new Sequence(List.copyOf(steps));
            }
            case "ByteLevel" -> new Identity();
            case "TemplateProcessing" -> template(node);
            case "BertProcessing", "RobertaProcessing" ->
                    new Template(new int[] {node.path("cls").path(1).asInt()}, new int[] {node.path("sep").path(1).asInt()});
            default -> throw new IllegalArgumentException("unsupported post_processor type '" + type + "'");
        };
    }

    private static Template template(JsonNode node) {
        Map<String, int[]> specials = new HashMap<>();
        node.path("special_tokens").properties().forEach(e -> {
            JsonNode ids = e.getValue().path("ids");
            int[] a = new int[ids.size()];
            for (int i = 0; i < a.length; i++) {
                a[i] = ids.get(i).asInt();
            }
            specials.put(e.getKey(), a);
        });
        List<Integer> before = new ArrayList<>();
        List<Integer> after = new ArrayList<>();
        boolean seenSequence = false;
        JsonNode single = node.path("single");
        List<JsonNode> pieces = new ArrayList<>();
        if (single.isTextual()) {
            for (String word : single.asText().trim().split("\\s+")) {
                pieces.add(com.fasterxml.jackson.databind.node.TextNode.valueOf(word));
            }
        } else {
            single.forEach(pieces::add);
        }
        for (JsonNode piece : pieces) {
            if (piece.isTextual()) {
                String word = piece.asText().replaceFirst(":\\d+$", "");
                piece = word.startsWith("$")
                        ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("Sequence", word)
                        : com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().set("SpecialToken",
                                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("id", word));
            }
            if (piece.has("Sequence")) {
                if (seenSequence) {
                    throw new IllegalArgumentException("TemplateProcessing single template uses the sequence twice");
                }
                seenSequence = true;
            } else if (piece.has("SpecialToken")) {
                String id = piece.get("SpecialToken").path("id").asText();
                int[] ids = specials.get(id);
                if (ids == null) {
                    throw new IllegalArgumentException("TemplateProcessing uses special token '" + id
                            + "' that special_tokens does not define");
                }
                for (int i : ids) {
                    (seenSequence ? after : before).add(i);
                }
            } else {
                throw new IllegalArgumentException("TemplateProcessing has a piece that is neither Sequence nor SpecialToken");
            }
        }
        return new Template(before.stream().mapToInt(Integer::intValue).toArray(),
                after.stream().mapToInt(Integer::intValue).toArray());
    }
}
