#include "views/graph/graph_view.h"

#include <QContextMenuEvent>
#include <QFile>
#include <QImage>
#include <QKeyEvent>
#include <QPainter>
#include <QSvgGenerator>
#include <QWheelEvent>

#include <cmath>
#include <utility>
#include <vector>

#include "views/graph/flat_level_item.h"
#include "views/graph/node_item.h"

namespace tfscope {
namespace {

// Turns the scene's item caches off while it is rendered for export: a cached item would otherwise
// be drawn as its pixmap (an embedded raster image in an SVG, at screen resolution).
class UncachedScene {
public:
    explicit UncachedScene(QGraphicsScene* scene) {
        for (QGraphicsItem* it : scene->items())
            if (it->cacheMode() != QGraphicsItem::NoCache) {
                m_items.emplace_back(it, it->cacheMode());
                it->setCacheMode(QGraphicsItem::NoCache);
            }
    }
    ~UncachedScene() {
        for (auto& [it, mode] : m_items) it->setCacheMode(mode);
    }
    UncachedScene(const UncachedScene&) = delete;
    UncachedScene& operator=(const UncachedScene&) = delete;

private:
    std::vector<std::pair<QGraphicsItem*, QGraphicsItem::CacheMode>> m_items;
};

}  // namespace

GraphView::GraphView(QWidget* parent) : QGraphicsView(parent) {
    setDragMode(ScrollHandDrag);
    setRenderHint(QPainter::Antialiasing);
    setViewportUpdateMode(MinimalViewportUpdate);
    setOptimizationFlags(DontSavePainterState | DontAdjustForAntialiasing);
    setTransformationAnchor(AnchorUnderMouse);
    setBackgroundBrush(Qt::white);
    setFocusPolicy(Qt::StrongFocus);
}

void GraphView::scaleView(qreal factor) {
    qreal next = zoom() * factor;
    if (next < 0.002 || next > 8) return;
    scale(factor, factor);
    emit viewportChanged();
}

void GraphView::fitAll() {
    if (!scene()) return;
    QRectF r = scene()->itemsBoundingRect();
    if (r.isEmpty()) return;
    fitInView(r.adjusted(-20, -20, 20, 20), Qt::KeepAspectRatio);
    // Small graphs are not blown up; wide ones stay readable (labels show from zoom 0.55 on).
    const qreal target = zoom() > 1.2 ? 1.2 : zoom() < 0.55 && scene()->items().size() < 3000 ? 0.55 : zoom();
    if (target != zoom()) {
        qreal f = target / zoom();
        scale(f, f);
        centerOn(r.center());
    }
    emit viewportChanged();
}

void GraphView::wheelEvent(QWheelEvent* event) {
    scaleView(std::pow(2.0, event->angleDelta().y() / 480.0));
    event->accept();
}

void GraphView::keyPressEvent(QKeyEvent* event) {
    if (event->modifiers() & Qt::ControlModifier) {
        switch (event->key()) {
        case Qt::Key_Plus:
        case Qt::Key_Equal: scaleView(1.25); return;
        case Qt::Key_Minus: scaleView(0.8); return;
        case Qt::Key_0: fitAll(); return;
        default: break;
        }
    }
    QGraphicsView::keyPressEvent(event);
}

void GraphView::mouseDoubleClickEvent(QMouseEvent* event) {
    for (QGraphicsItem* it : items(event->position().toPoint())) {
        if (it->type() == FlatLevelItem::Type) {
            NodeId n = static_cast<FlatLevelItem*>(it)->nodeAt(mapToScene(event->position().toPoint()));
            if (n == kNoNode) continue;
            emit nodeActivated(n);
            event->accept();
            return;
        }
        if (it->type() != NodeItem::Type) continue;
        auto* n = static_cast<NodeItem*>(it);
        if (n->isNode()) emit nodeActivated(n->id());
        else emit groupActivated(n->id());
        event->accept();
        return;
    }
    QGraphicsView::mouseDoubleClickEvent(event);
}

void GraphView::contextMenuEvent(QContextMenuEvent* event) {
    for (QGraphicsItem* it : items(event->pos())) {
        if (it->type() == FlatLevelItem::Type) {
            const NodeId n = static_cast<FlatLevelItem*>(it)->nodeAt(mapToScene(event->pos()));
            if (n == kNoNode) continue;
            emit nodeContextMenu(n, event->globalPos());
            return event->accept();
        }
        if (it->type() != NodeItem::Type) continue;
        auto* n = static_cast<NodeItem*>(it);
        if (n->isNode()) emit nodeContextMenu(n->id(), event->globalPos());
        else emit groupContextMenu(n->id(), event->globalPos());
        return event->accept();
    }
    QGraphicsView::contextMenuEvent(event);
}

void GraphView::scrollContentsBy(int dx, int dy) {
    QGraphicsView::scrollContentsBy(dx, dy);
    emit viewportChanged();
}

void GraphView::resizeEvent(QResizeEvent* event) {
    QGraphicsView::resizeEvent(event);
    emit viewportChanged();
}

QString GraphView::exportPng(const QString& path, double scale) const {
    if (!scene()) return tr("Nothing to export.");
    QRectF r = scene()->itemsBoundingRect().adjusted(-20, -20, 20, 20);
    // The whole scene at `scale` pixels per scene unit (not the view's zoom), at most 16000 px a side.
    qreal s = std::min(std::max(scale, 0.1), 16000.0 / std::max(r.width(), r.height()));
    QImage img(QSize(int(r.width() * s) + 1, int(r.height() * s) + 1), QImage::Format_ARGB32_Premultiplied);
    if (img.isNull()) return tr("The image is too large.");
    img.fill(Qt::white);
    QPainter p(&img);
    p.setRenderHint(QPainter::Antialiasing);
    UncachedScene uncached(scene());
    scene()->render(&p, QRectF(img.rect()), r);
    p.end();
    if (!img.save(path, "PNG")) return tr("Could not write '%1'.").arg(path);
    return {};
}

QString GraphView::exportSvg(const QString& path) const {
    if (!scene()) return tr("Nothing to export.");
    QRectF r = scene()->itemsBoundingRect().adjusted(-20, -20, 20, 20);
    QSvgGenerator gen;
    gen.setFileName(path);
    gen.setSize(r.size().toSize());
    gen.setViewBox(QRectF(QPointF(0, 0), r.size()));
    gen.setTitle(QStringLiteral("tfscope graph"));
    QPainter p;
    if (!p.begin(&gen)) return tr("Could not write '%1'.").arg(path);
    UncachedScene uncached(scene());
    scene()->render(&p, QRectF(QPointF(0, 0), r.size()), r);
    p.end();
    if (!QFile::exists(path)) return tr("Could not write '%1'.").arg(path);
    return {};
}

}  // namespace tfscope
