package io.kvasir.tokenizer;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites a jinja2 template source so that jinjava renders it as jinja2 with transformers' settings
 * would: the lexer's newline handling, lstrip_blocks (jinjava's own strips spaces before every block
 * tag, not just at the start of a line), and two constructs jinjava cannot parse (x[::-1] and
 * {% for x in xs if cond %}).
 */
final class JinjaSource {
    static final String REVERSED_FILTER = "kvasir_reversed";
    private static final Pattern REVERSE_SLICE = Pattern.compile(
            "(\\b[A-Za-z_][A-Za-z0-9_]*(?:\\.[A-Za-z_][A-Za-z0-9_]*|\\[[^\\[\\]]*\\])*)\\[\\s*:\\s*:\\s*-1\\s*\\]");
    private static final Pattern FILTERED_FOR = Pattern.compile(
            "\\{%(-?)\\s*for\\s+([A-Za-z_][A-Za-z0-9_]*)\\s+in\\s+((?:(?!%\\}).)+?)\\s+if\\s+((?:(?!%\\}).)+?)\\s*(-?)%\\}",
            Pattern.DOTALL);
    private static final Pattern RAW = Pattern.compile("\\{%[-+]?\\s*raw\\s*[-+]?%\\}");
    private static final Pattern END_RAW = Pattern.compile("\\{%[-+]?\\s*endraw\\s*[-+]?%\\}");

    private JinjaSource() {}

    static String rewrite(String source) {
        String s = source.replace("\r\n", "\n").replace('\r', '\n');
        // keep_trailing_newline=False: the lexer drops one final newline
        s = s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
        s = removeComments(lstripBlocks(s));
        s = REVERSE_SLICE.matcher(s).replaceAll("($1|" + REVERSED_FILTER + ")");
        return filteredLoops(s);
    }

    /**
     * jinja2's lstrip_blocks: spaces and tabs between the start of a line and a block or comment tag
     * are removed, unless the tag opens with '+' (which jinjava does not know, so it is dropped).
     */
    static String lstripBlocks(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int pos = 0;
        boolean lineStarting = true;
        while (pos < s.length()) {
            int tag = nextTag(s, pos);
            if (tag < 0) {
                out.append(s, pos, s.length());
                break;
            }
            char kind = s.charAt(tag + 1);
            char marker = tag + 2 < s.length() ? s.charAt(tag + 2) : ' ';
            String data = s.substring(pos, tag);
            if (kind != '{' && marker != '-' && marker != '+') {
                int lineStart = data.lastIndexOf('\n') + 1;
                if ((lineStart > 0 || lineStarting) && data.substring(lineStart).chars().allMatch(c -> c == ' ' || c == '\t')) {
                    data = data.substring(0, lineStart);
                }
            }
            out.append(data);
            int end = tagEnd(s, tag, kind);
            String tagText = s.substring(tag, end);
            if (kind != '{' && marker == '+') {
                tagText = tagText.substring(0, 2) + tagText.substring(3);
            }
            out.append(tagText);
            pos = end;
            if (kind == '%' && RAW.matcher(tagText).matches()) {
                Matcher m = END_RAW.matcher(s);
                int rawEnd = m.find(pos) ? m.start() : s.length();
                out.append(s, pos, rawEnd);
                pos = rawEnd;
                lineStarting = false;
                continue;
            }
            lineStarting = kind != '{' && pos < s.length() && s.charAt(pos) == '\n';
        }
        return out.toString();
    }

    /**
     * Takes comments out with jinja2's whitespace rules ({#- and -#} strip, trim_blocks eats the
     * newline after #}); an empty expression stands in their place so that a later {%- strips only
     * up to where the comment was, as in jinja2.
     */
    static String removeComments(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int pos = 0;
        while (pos < s.length()) {
            int tag = nextTag(s, pos);
            if (tag < 0) {
                out.append(s, pos, s.length());
                break;
            }
            char kind = s.charAt(tag + 1);
            int end = tagEnd(s, tag, kind);
            String tagText = s.substring(tag, end);
            if (kind == '%' && RAW.matcher(tagText).matches()) {
                Matcher m = END_RAW.matcher(s);
                int rawEnd = m.find(end) ? m.end() : s.length();
                out.append(s, pos, rawEnd);
                pos = rawEnd;
                continue;
            }
            out.append(s, pos, tag);
            pos = end;
            if (kind != '#') {
                out.append(tagText);
                continue;
            }
            if (tagText.startsWith("{#-")) {
                int keep = out.length();
                while (keep > 0 && Character.isWhitespace(out.charAt(keep - 1))) {
                    keep--;
                }
                out.setLength(keep);
            }
            if (tagText.endsWith("-#}")) {
                while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                    pos++;
                }
            } else if (pos < s.length() && s.charAt(pos) == '\n') {
                pos++;
            }
            out.append("{{ '' }}");
        }
        return out.toString();
    }

    private static int nextTag(String s, int from) {
        for (int i = s.indexOf('{', from); i >= 0 && i + 1 < s.length(); i = s.indexOf('{', i + 1)) {
            char c = s.charAt(i + 1);
            if (c == '{' || c == '%' || c == '#') {
                return i;
            }
        }
        return -1;
    }

    /** The index after the tag that starts at start, skipping string literals inside expressions. */
    private static int tagEnd(String s, int start, char kind) {
        char close = kind == '{' ? '}' : kind;
        int i = start + 2;
        char quote = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (kind != '#' && (c == '\'' || c == '"')) {
                quote = c;
            } else if (c == close && i + 1 < s.length() && s.charAt(i + 1) == '}') {
                return i + 2;
            }
            i++;
        }
        return s.length();
    }

    /**
     * jinjava ignores the filter of {% for x in xs if cond %}; jinja2 loops over the items that pass
     * it (loop.index and loop.length count only those). The filtered list is built first, in a
     * namespace so that it survives the loop that builds it.
     */
    private static String filteredLoops(String s) {
        Matcher m = FILTERED_FOR.matcher(s);
        StringBuilder out = new StringBuilder();
        int n = 0;
        while (m.find()) {
            String ns = "kvasir_loop" + n++;
            String x = m.group(2);
            String replacement = "{%" + m.group(1) + " set " + ns + " = namespace(items=[]) %}"
                    + "{% for " + x + " in " + m.group(3) + " %}{% if " + m.group(4) + " %}"
                    + "{% set " + ns + ".items = " + ns + ".items + [" + x + "] %}{% endif %}{% endfor %}"
                    + "{% for " + x + " in " + ns + ".items " + m.group(5) + "%}";
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
