package io.kvasir.bench.kept;

import io.kvasir.bench.needle.HeatmapImage;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * The kept map as an image: one row per (layer, KV head), layers top to bottom, one column per prompt
 * position (or per bin of positions for long prompts, coloured by the share kept in the bin), in the
 * needle heatmap's colours: kept green, dropped red.
 */
public final class KeptImage {
    /** Widest plot in pixels; longer prompts are binned. */
    static final int MAX_PLOT_WIDTH = 1600;
    public static final int LEFT = 50, TOP = 30, BOTTOM = 30, RIGHT = 20;

    private KeptImage() {}

    /** Pixel size of one position column and one (layer, head) row. */
    public record Geometry(int columnWidth, int positionsPerColumn, int columns, int rowHeight, int width, int height) {
        public static Geometry of(KeptMap map) {
            int n = Math.max(1, map.ids().length);
            int perColumn = (n + MAX_PLOT_WIDTH - 1) / MAX_PLOT_WIDTH;
            int columns = (n + perColumn - 1) / perColumn;
            int columnWidth = Math.max(1, Math.min(8, MAX_PLOT_WIDTH / columns));
            int rows = Math.max(1, map.layers() * map.heads());
            int rowHeight = Math.max(1, Math.min(12, 800 / rows));
            int width = Math.max(LEFT + columns * columnWidth + RIGHT, 420);
            return new Geometry(columnWidth, perColumn, columns, rowHeight, width, TOP + rows * rowHeight + BOTTOM);
        }
    }

    public static BufferedImage render(KeptMap map) {
        System.setProperty("java.awt.headless", "true");
        Geometry geo = Geometry.of(map);
        BufferedImage img = new BufferedImage(geo.width(), geo.height(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, geo.width(), geo.height());
        int n = map.ids().length;
        for (int l = 0; l < map.layers(); l++) {
            for (int h = 0; h < map.heads(); h++) {
                int[] keptInBin = new int[geo.columns()];
                for (int p : map.kept()[l][h]) keptInBin[p / geo.positionsPerColumn()]++;
                int y = TOP + (l * map.heads() + h) * geo.rowHeight();
                for (int c = 0; c < geo.columns(); c++) {
                    int binSize = Math.min(geo.positionsPerColumn(), n - c * geo.positionsPerColumn());
                    g.setColor(HeatmapImage.color((double) keptInBin[c] / binSize));
                    g.fillRect(LEFT + c * geo.columnWidth(), y, geo.columnWidth(), geo.rowHeight());
                }
            }
        }
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        int rowsPerLayer = map.heads() * geo.rowHeight();
        int labelEvery = Math.max(1, (int) Math.ceil(12.0 / Math.max(1, rowsPerLayer)));
        for (int l = 0; l < map.layers(); l += labelEvery) {
            g.drawString("L" + l, 8, TOP + l * rowsPerLayer + Math.min(rowsPerLayer, 12) - 1);
        }
        g.drawString("green kept, red dropped; prompt position 0 .. " + (n - 1) + (geo.positionsPerColumn() > 1
                ? " (" + geo.positionsPerColumn() + " positions per column)" : ""), LEFT, geo.height() - 10);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString(map.title() + String.format(" - kept %.1f%% (rows: layer x KV head)", 100 * map.keptShare()), LEFT, 18);
        g.dispose();
        return img;
    }

    public static byte[] png(KeptMap map) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(render(map), "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
