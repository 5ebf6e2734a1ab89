#include "ui/style/palette.h"

#include <QPainter>
#include <QPixmap>

namespace sdui::palette {

QColor good() { return QColor(0x2e, 0x7d, 0x32); }
QColor warning() { return QColor(0xe6, 0x8a, 0x00); }
QColor bad() { return QColor(0xc6, 0x28, 0x28); }
QColor unknown() { return QColor(0x9e, 0x9e, 0x9e); }
QColor local() { return QColor(0x55, 0x55, 0x99); }
QColor warningText() { return warning().darker(150); }
QColor badBackground() { return QColor(255, 214, 196); }
QColor warningBackground() { return QColor(255, 245, 196); }

QString textStyle(const QColor &color)
{
    return QStringLiteral("color: %1;").arg(color.name());
}

QColor health(sdcore::Health health)
{
    switch (health) {
    case sdcore::Health::Ok: return good();
    case sdcore::Health::Degraded: return warning();
    case sdcore::Health::Critical: return bad();
    case sdcore::Health::Unknown: break;
    }
    return unknown();
}

QIcon badge(const QColor &color)
{
    QPixmap pixmap(14, 14);
    pixmap.fill(Qt::transparent);
    QPainter p(&pixmap);
    p.setRenderHint(QPainter::Antialiasing);
    p.setBrush(color);
    p.setPen(color.darker(140));
    p.drawEllipse(QRectF(1.5, 1.5, 11, 11));
    return QIcon(pixmap);
}

} // namespace sdui::palette
