#pragma once
// GraphView: the canvas viewport: wheel and Ctrl +/- zoom (clamped, docs/architecture.md#graph-canvas), drag to pan,
// Ctrl+0 fit, double-click on a group to expand or collapse it, export to PNG or SVG.

#include <QGraphicsView>

namespace tfscope {

class NodeItem;

class GraphView : public QGraphicsView {
    Q_OBJECT
public:
    explicit GraphView(QWidget* parent = nullptr);

    void scaleView(qreal factor);
    qreal zoom() const { return transform().m11(); }
    void fitAll();
    // Renders the whole scene. Errors are returned as text ("" = ok).
    QString exportPng(const QString& path) const;
    QString exportSvg(const QString& path) const;

signals:
    void groupActivated(int group);      // double-click on a group, series or frame title
    void nodeActivated(int node);        // double-click on an op node
    void viewportChanged();

protected:
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void scrollContentsBy(int dx, int dy) override;
    void resizeEvent(QResizeEvent* event) override;
};

}  // namespace tfscope
