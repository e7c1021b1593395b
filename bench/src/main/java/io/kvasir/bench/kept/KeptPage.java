package io.kvasir.bench.kept;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;

/**
 * The kept map as one self-contained HTML page: the prompt as token spans (hover: position and id), a layer
 * and KV-head chooser that highlights what that head kept (or, for "all heads", how many heads kept each
 * token), the kept counts per layer and head, and the kept-map image inline. The kept positions travel as
 * JSON in the page ({@code <script id="kept-data">}); a few lines of plain script apply them.
 */
public final class KeptPage {
    private static final ObjectMapper JSON = new ObjectMapper();

    private KeptPage() {}

    public static String html(KeptMap map, byte[] png) {
        StringBuilder b = new StringBuilder(64 * map.ids().length + 4096);
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>kvasir kept: ")
                .append(escape(map.title())).append("</title>\n<style>\n")
                .append("body{font-family:sans-serif;margin:1.5em;max-width:80em}\n")
                .append("#text{font-family:monospace;white-space:pre-wrap;line-height:1.6;border:1px solid #ccc;padding:.8em}\n")
                .append("#text span{color:#999;border-radius:2px}\n")
                .append("#text span.k{color:#000}\n")
                .append("table{border-collapse:collapse;font-size:.8em}td,th{border:1px solid #ddd;padding:1px 5px;text-align:right}\n")
                .append("img{max-width:100%;image-rendering:pixelated}\n")
                .append("</style></head><body>\n<h1>Prompt tokens the KV cache kept</h1>\n<p>")
                .append(escape(map.title())).append(" &middot; ").append(map.ids().length).append(" prompt tokens &middot; ")
                .append(map.layers()).append(" layers x ").append(map.heads()).append(" stored KV heads &middot; ")
                .append(String.format("%.1f%%", 100 * map.keptShare())).append(" of layer x head x token slots kept</p>\n");
        b.append("<p><label>Layer <select id=\"layer\"><option value=\"all\">all layers</option>");
        for (int l = 0; l < map.layers(); l++) b.append("<option value=\"").append(l).append("\">").append(l).append("</option>");
        b.append("</select></label> <label>KV head <select id=\"head\"><option value=\"all\">all heads (shade = share kept)</option>");
        for (int h = 0; h < map.heads(); h++) b.append("<option value=\"").append(h).append("\">").append(h).append("</option>");
        b.append("</select></label> <span id=\"summary\"></span></p>\n<div id=\"text\">");
        for (int i = 0; i < map.ids().length; i++) {
            b.append("<span data-pos=\"").append(i).append("\" data-id=\"").append(map.ids()[i])
                    .append("\" title=\"position ").append(i).append(", token id ").append(map.ids()[i]).append("\">")
                    .append(escape(map.texts()[i])).append("</span>");
        }
        b.append("</div>\n<h2>Kept tokens per layer and KV head</h2>\n<table><tr><th>layer</th>");
        for (int h = 0; h < map.heads(); h++) b.append("<th>head ").append(h).append("</th>");
        b.append("</tr>\n");
        for (int l = 0; l < map.layers(); l++) {
            b.append("<tr><th>").append(l).append("</th>");
            for (int h = 0; h < map.heads(); h++) b.append("<td>").append(map.kept()[l][h].length).append("</td>");
            b.append("</tr>\n");
        }
        b.append("</table>\n<h2>Map (rows: layer x KV head; columns: prompt positions; green kept, red dropped)</h2>\n")
                .append("<img alt=\"kept map\" src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(png))
                .append("\">\n<script type=\"application/json\" id=\"kept-data\">").append(data(map)).append("</script>\n")
                .append(SCRIPT).append("</body></html>\n");
        return b.toString();
    }

    /** {"layers", "heads", "kept": [layer][head][positions]}, with "<" escaped so the JSON cannot end the script. */
    static String data(KeptMap map) {
        ObjectNode o = JSON.createObjectNode();
        o.put("layers", map.layers());
        o.put("heads", map.heads());
        o.set("kept", JSON.valueToTree(map.kept()));
        try {
            return JSON.writeValueAsString(o).replace("<", "\\u003c");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    // Highlights the chosen layer/head: background alpha = share of the chosen (layer, head) pairs that kept
    // the token; black text for kept, grey for dropped everywhere.
    private static final String SCRIPT = """
            <script>
            (function () {
              var d = JSON.parse(document.getElementById('kept-data').textContent);
              var spans = document.querySelectorAll('#text span');
              var layer = document.getElementById('layer'), head = document.getElementById('head');
              function show() {
                var ls = layer.value === 'all' ? [...Array(d.layers).keys()] : [+layer.value];
                var hs = head.value === 'all' ? [...Array(d.heads).keys()] : [+head.value];
                var count = new Array(spans.length).fill(0), pairs = ls.length * hs.length, kept = 0;
                ls.forEach(function (l) { hs.forEach(function (h) {
                  d.kept[l][h].forEach(function (p) { count[p]++; kept++; });
                }); });
                spans.forEach(function (s, i) {
                  var share = count[i] / pairs;
                  s.className = count[i] > 0 ? 'k' : '';
                  s.style.background = count[i] > 0 ? 'rgba(12,215,159,' + (0.2 + 0.8 * share) + ')' : '';
                  s.title = 'position ' + i + ', token id ' + s.dataset.id + ', kept by ' + count[i] + ' of ' + pairs
                      + ' (layer, head) pairs';
                });
                document.getElementById('summary').textContent = (kept / pairs).toFixed(1) + ' of ' + spans.length
                    + ' tokens kept per head on average';
              }
              layer.onchange = show; head.onchange = show; show();
            })();
            </script>
            """;
}
