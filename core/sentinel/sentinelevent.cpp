#include "core/sentinel/sentinelevent.h"

#include <QStringList>

namespace sdcore {

namespace {

Error malformed(const QString &channel, const QByteArray &payload, const QString &why)
{
    return makeError(ErrorKind::Protocol,
                     QStringLiteral("Malformed sentinel event on %1 (%2): '%3'")
                         .arg(channel, why, QString::fromUtf8(payload.left(200))));
}

std::optional<HostPort> hostPort(const QString &host, const QString &port)
{
    bool ok = false;
    const uint p = port.toUInt(&ok);
    if (!ok || p == 0 || p > 65535 || host.isEmpty())
        return std::nullopt;
    return HostPort{host, quint16(p)};
}

} // namespace

QString instanceName(SentinelEvent::Instance instance)
{
    switch (instance) {
    case SentinelEvent::Instance::Master: return QStringLiteral("master");
    case SentinelEvent::Instance::Replica: return QStringLiteral("replica");
    case SentinelEvent::Instance::Sentinel: return QStringLiteral("sentinel");
    case SentinelEvent::Instance::None: break;
    }
    return QString();
}

Result<SentinelEvent> SentinelEvent::parse(const QString &channel, const QByteArray &payload)
{
    SentinelEvent e;
    e.type = channel;
    e.payload = QString::fromUtf8(payload);
    e.at = QDateTime::currentDateTimeUtc();
    if (channel.isEmpty() || !(channel.startsWith(QLatin1Char('+')) || channel.startsWith(QLatin1Char('-'))))
        return malformed(channel, payload, QStringLiteral("not an event channel"));

    // Details after '#' are free text.
    QString main = e.payload;
    if (const qsizetype hash = main.indexOf(QLatin1Char('#')); hash >= 0) {
        e.detail = main.mid(hash + 1).trimmed();
        main = main.left(hash);
    }
    const QStringList words = main.split(QLatin1Char(' '), Qt::SkipEmptyParts);

    if (channel == QLatin1String("+switch-master")) {
        if (words.size() != 5)
            return malformed(channel, payload, QStringLiteral("expected 5 words"));
        const auto from = hostPort(words.at(1), words.at(2));
        const auto to = hostPort(words.at(3), words.at(4));
        if (!from || !to)
            return malformed(channel, payload, QStringLiteral("bad address"));
        e.instance = Instance::Master;
        e.masterName = words.at(0);
        e.name = e.masterName;
        e.oldMaster = *from;
        e.newMaster = *to;
        e.address = *to;
        e.masterAddress = *to;
        return e;
    }
    if (channel == QLatin1String("+tilt") || channel == QLatin1String("-tilt")) {
        return e;   // "#tilt mode entered/exited"
    }
    if (channel == QLatin1String("+new-epoch")) {
        if (words.size() != 1)
            return malformed(channel, payload, QStringLiteral("expected an epoch"));
        e.detail = words.at(0);
        return e;
    }
    if (channel == QLatin1String("+vote-for-leader")) {
        if (words.size() != 2)
            return malformed(channel, payload, QStringLiteral("expected a run id and an epoch"));
        e.name = words.at(0);
        e.detail = QStringLiteral("epoch %1").arg(words.at(1));
        return e;
    }

    // "<type> <name> <ip> <port> [@ <master> <ip> <port>] [extra words]"
    if (words.size() < 4)
        return malformed(channel, payload, QStringLiteral("expected '<type> <name> <ip> <port>'"));
    const QString &kind = words.at(0);
    if (kind == QLatin1String("master"))
        e.instance = Instance::Master;
    else if (kind == QLatin1String("slave") || kind == QLatin1String("replica"))
        e.instance = Instance::Replica;
    else if (kind == QLatin1String("sentinel"))
        e.instance = Instance::Sentinel;
    else
        return malformed(channel, payload, QStringLiteral("unknown instance type '%1'").arg(kind));
    e.name = words.at(1);
    const auto address = hostPort(words.at(2), words.at(3));
    if (!address)
        return malformed(channel, payload, QStringLiteral("bad address"));
    e.address = *address;

    qsizetype rest = 4;
    if (e.instance == Instance::Master) {
        e.masterName = e.name;
        e.masterAddress = e.address;
    } else if (words.size() >= 8 && words.at(4) == QLatin1String("@")) {
        e.masterName = words.at(5);
        const auto master = hostPort(words.at(6), words.at(7));
        if (!master)
            return malformed(channel, payload, QStringLiteral("bad master address"));
        e.masterAddress = *master;
        rest = 8;
    } else if (words.size() > 4 && words.at(4) == QLatin1String("@")) {
        return malformed(channel, payload, QStringLiteral("truncated master part after '@'"));
    }
    // Extra words ("+monitor … quorum 2", "+set … down-after-milliseconds 1000", "+role-change …
    // new reported role is master") go to the detail, before any '#' text.
    if (rest < words.size()) {
        const QString extra = words.mid(rest).join(QLatin1Char(' '));
        e.detail = e.detail.isEmpty() ? extra : extra + QLatin1Char(' ') + e.detail;
    }
    return e;
}

SentinelEvent::Severity SentinelEvent::severity() const
{
    if (local)
        return localSeverity;
    if (type == QLatin1String("+switch-master") || type == QLatin1String("+failover-end")
        || type.startsWith(QLatin1String("-failover-abort")) || type == QLatin1String("+try-failover")
        || type == QLatin1String("+odown") || type == QLatin1String("+failover-end-for-timeout"))
        return Severity::Failover;
    if (type == QLatin1String("+sdown") || type == QLatin1String("+tilt")
        || type == QLatin1String("-dup-sentinel") || type == QLatin1String("+reboot")
        || type == QLatin1String("+convert-to-slave"))
        return Severity::Warning;
    return Severity::Info;
}

bool SentinelEvent::isFailoverStep() const
{
    return type.startsWith(QLatin1String("+failover-")) || type.startsWith(QLatin1String("-failover-"))
        || type == QLatin1String("+switch-master") || type == QLatin1String("+try-failover")
        || type == QLatin1String("+elected-leader") || type == QLatin1String("+selected-slave")
        || type == QLatin1String("+promoted-slave") || type.startsWith(QLatin1String("+slave-reconf"));
}

QString SentinelEvent::instanceText() const
{
    if (type == QLatin1String("+switch-master")) {
        return QStringLiteral("master %1: %2 → %3")
            .arg(masterName, oldMaster.toString(), newMaster.toString());
    }
    if (instance == Instance::None)
        return name;
    if (instance == Instance::Master)
        return QStringLiteral("master %1 at %2").arg(masterName, address.toString());
    return QStringLiteral("%1 %2 of %3").arg(instanceName(instance), address.toString(), masterName);
}

QString SentinelEvent::summary() const
{
    QString text = type;
    const QString what = instanceText();
    if (!what.isEmpty())
        text += QLatin1Char(' ') + what;
    if (!detail.isEmpty())
        text += QStringLiteral(" (%1)").arg(detail);
    return text;
}

} // namespace sdcore
