package io.kvasir.bench.demo;

import io.kvasir.bench.AtomicFile;
import io.kvasir.bench.needle.HeatmapImage;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * One PNG with a needle heatmap panel per method (depth % down, context length in tokens across,
 * red 0 to green 1 as in {@link HeatmapImage}), each titled with its method and overall accuracy.
 */
public final class DemoHeatmap {
    private static final int CELL = 26, PANEL_GAP = 24, LEFT = 44, TOP = 40, BOTTOM = 46;

    private DemoHeatmap() {}

    public static void write(List<DemoSweep.Result> results, List<Integer> lengths, List<Integer> depths, Path png) {
        System.setProperty("java.awt.headless", "true");
        Font title = new Font(Font.SANS_SERIF, Font.BOLD, 11);
        // Wide enough for the longest title, so the last panel's is not clipped at the image's edge.
        Graphics2D measure = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
        int titleW = results.stream().mapToInt(r -> measure.getFontMetrics(title).stringWidth(r.method.label())).max().orElse(0);
        measure.dispose();
        int panelW = Math.max(Math.max(CELL * lengths.size(), 110), titleW + 4);
        int w = LEFT + results.size() * (panelW + PANEL_GAP), h = TOP + CELL * depths.size() + BOTTOM;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        g.drawString("depth %", 4, TOP - 6);
        for (int r = 0; r < depths.size(); r++) g.drawString(Integer.toString(depths.get(r)), 8, TOP + r * CELL + CELL / 2 + 4);
        for (int i = 0; i < results.size(); i++) {
            DemoSweep.Result res = results.get(i);
            int x0 = LEFT + i * (panelW + PANEL_GAP);
            double[][] t = res.table();
            for (int r = 0; r < depths.size(); r++) {
                for (int c = 0; c < lengths.size(); c++) {
                    g.setColor(Double.isNaN(t[r][c]) ? Color.LIGHT_GRAY : HeatmapImage.color(t[r][c]));
                    g.fillRect(x0 + c * CELL, TOP + r * CELL, CELL, CELL);
                    g.setColor(Color.GRAY);
                    g.drawRect(x0 + c * CELL, TOP + r * CELL, CELL, CELL);
                }
            }
            g.setColor(Color.BLACK);
            g.setFont(title);
            g.drawString(res.method.label(), x0, 14);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
            g.drawString(String.format("accuracy %.0f%%", 100 * res.accuracy()), x0, 28);
            for (int c = 0; c < lengths.size(); c++) {
                if (lengths.size() > 4 && c % 2 == 1) continue;
                g.drawString(Integer.toString(lengths.get(c)), x0 + c * CELL, TOP + depths.size() * CELL + 14);
            }
            g.drawString("context tokens", x0, TOP + depths.size() * CELL + 32);
        }
        g.dispose();
        AtomicFile.write(png, out -> ImageIO.write(img, "png", out));
    }
}
