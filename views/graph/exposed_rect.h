#pragma once
// visibleExposedRect(): the part of an item (item coordinates) a paint() call must draw. A cached
// item (DeviceCoordinateCache) larger than the viewport is first rendered with its whole bounding
// rect as the exposed rect, though its pixmap covers only the visible part; culling by that rect
// drew all 100,000 labels of a flat level. This also intersects with the painter's clip and device.
//
//   const QRectF exposed = visibleExposedRect(painter, option, boundingRect());

#include <QPaintDevice>
#include <QPainter>
#include <QStyleOptionGraphicsItem>

namespace tfscope {

inline QRectF visibleExposedRect(const QPainter* painter, const QStyleOptionGraphicsItem* option, const QRectF& bounds) {
    QRectF r = option->exposedRect.isEmpty() ? bounds : option->exposedRect;
    if (painter->hasClipping()) r &= painter->clipBoundingRect();
    const QPaintDevice* device = painter->device();
    bool invertible = false;
    const QTransform toItem = painter->worldTransform().inverted(&invertible);
    // Device pixels, not logical ones: a rect that is too big only costs culling precision.
    if (device && invertible) r &= toItem.mapRect(QRectF(0, 0, device->width(), device->height()));
    return r;
}

}  // namespace tfscope
