package io.kvasir.bench.needle;

import io.kvasir.bench.AtomicFile;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/** The needle heatmap of docs/benchmarks.md#heatmap (colormap #F0496E -> #EBB839 -> #0CD79F over 0..1), drawn headless. */
public final class HeatmapImage {
    private static final Color LOW = new Color(0xF0496E), MID = new Color(0xEBB839), HIGH = new Color(0x0CD79F);

    private HeatmapImage() {}

    /** The colour of a score in 0..1 (NaN: light grey, a cell not run). */
    public static Color color(double v) {
        if (Double.isNaN(v)) return new Color(0xDDDDDD);
        double t = Math.max(0, Math.min(1, v));
        Color a = t <= 0.5 ? LOW : MID, b = t <= 0.5 ? MID : HIGH;
        double f = t <= 0.5 ? t * 2 : (t - 0.5) * 2;
        return new Color((int) Math.round(a.getRed() + f * (b.getRed() - a.getRed())),
                (int) Math.round(a.getGreen() + f * (b.getGreen() - a.getGreen())),
                (int) Math.round(a.getBlue() + f * (b.getBlue() - a.getBlue())));
    }

    /** rows = depths ascending top to bottom, columns = context lengths ascending; title above the grid. */
    public static void write(double[][] table, List<Integer> lengths, List<Integer> depths, String title, Path png) {
        System.setProperty("java.awt.headless", "true");
        Font titleFont = new Font(Font.SANS_SERIF, Font.BOLD, 13);
        int cell = 28, left = 90, top = 40, bottom = 90, right = 80;
        int titleWidth = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics().getFontMetrics(titleFont)
                .stringWidth(title);
        int w = Math.max(left + cell * lengths.size() + right, titleWidth + 40), h = top + cell * depths.size() + bottom;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.BLACK);
        g.setFont(titleFont);
        g.drawString(title, (w - titleWidth) / 2, 24);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        for (int r = 0; r < depths.size(); r++) {
            for (int c = 0; c < lengths.size(); c++) {
                g.setColor(color(table[r][c]));
                g.fillRect(left + c * cell, top + r * cell, cell, cell);
                g.setColor(Color.GRAY);
                g.drawRect(left + c * cell, top + r * cell, cell, cell);
            }
            g.setColor(Color.BLACK);
            g.drawString(Integer.toString(depths.get(r)), left - 28, top + r * cell + cell / 2 + 4);
        }
        for (int c = 0; c < lengths.size(); c++) {
            AffineTransform saved = g.getTransform();
            g.translate(left + c * cell + cell / 2, top + depths.size() * cell + 8);
            g.rotate(Math.toRadians(45));
            g.setColor(Color.BLACK);
            g.drawString(Integer.toString(lengths.get(c)), 0, 0);
            g.setTransform(saved);
        }
        // visualize.py's white dashed line at (first length > 33000, else the last column) + 0.8
        int mark = lengths.size() - 1;
        for (int c = 0; c < lengths.size(); c++) if (lengths.get(c) > 33000) { mark = c; break; }
        int lineX = left + (int) Math.round((mark + 0.8) * cell);
        g.setColor(Color.WHITE);
        g.setStroke(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        g.drawLine(lineX, top, lineX, top + cell * depths.size());
        g.setStroke(new BasicStroke(1f));
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString("Token Limit", left + cell * lengths.size() / 2 - 30, h - 10);
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2);
        g.drawString("Depth Percent", -(top + cell * depths.size() / 2 + 40), 20);
        g.setTransform(saved);
        // colour bar
        int barX = left + cell * lengths.size() + 20, barH = cell * depths.size();
        for (int y = 0; y < barH; y++) {
            g.setColor(color(1.0 - (double) y / Math.max(1, barH - 1)));
            g.drawLine(barX, top + y, barX + 14, top + y);
        }
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        g.drawString("1", barX + 18, top + 8);
        g.drawString("0", barX + 18, top + barH);
        g.dispose();
        AtomicFile.write(png, out -> ImageIO.write(img, "png", out));
    }
}
