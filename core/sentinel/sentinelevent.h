#pragma once

// One message of a sentinel's event stream (its Pub/Sub channels "+switch-master", "+sdown", …),
// parsed into its parts. Pure parsing, no I/O; a plain value safe to pass between threads.
//
// Sentinel formats its messages as "<type> <name> <ip> <port> @ <master> <ip> <port>" for an
// instance (the "@ …" part only for replicas and sentinels), with exceptions: +switch-master
// ("<master> <old-ip> <old-port> <new-ip> <new-port>"), +new-epoch ("<epoch>"),
// +vote-for-leader ("<runid> <epoch>"), ±tilt ("#tilt mode …"), and "#…" details after some.

#include "core/redis/redisurl.h"
#include "core/support/result.h"

#include <QDateTime>
#include <QMetaType>
#include <QString>

namespace sdcore {

struct SentinelEvent
{
    enum class Instance { None, Master, Replica, Sentinel };
    // How the event reads on a timeline; the UI colours and marks by it.
    enum class Severity { Info, Warning, Failover };

    QString type;            // the channel: "+switch-master", "-sdown", …
    QString payload;         // the message as received
    QDateTime at;            // when it was received (UTC)
    HostPort source;         // the sentinel that published it

    Instance instance = Instance::None;
    QString name;            // instance name (a replica's "ip:port", a sentinel's run id)
    HostPort address;        // the instance's address
    QString masterName;      // the master group it is about
    HostPort masterAddress;  // for an instance under a master, that master's address
    HostPort oldMaster;      // +switch-master only
    HostPort newMaster;      // +switch-master only
    QString detail;          // the rest: "#quorum 2/2", an epoch, a new role, …
    // SessionDeck's own timeline entries (a lost event stream, a manual failover, a store tier
    // switch) are events too, marked local, with their severity set by whoever made them.
    bool local = false;
    Severity localSeverity = Severity::Info;

    // Parses `payload` published on `channel`. Fails with ErrorKind::Protocol and a message that
    // says what was unexpected; the caller keeps the raw text.
    static Result<SentinelEvent> parse(const QString &channel, const QByteArray &payload);

    Severity severity() const;
    // True for events that concern the whole master group, not only one instance.
    bool isFailoverStep() const;
    // "replica 127.0.0.1:6380 of sessions", "master sessions at 127.0.0.1:6379", …
    QString instanceText() const;
    // One line for people: "+sdown replica 127.0.0.1:6380 of sessions".
    QString summary() const;
    // Same event as seen by another sentinel: type and payload equal (source and time aside).
    // Local events are never merged.
    QString dedupKey() const
    {
        return local ? type + QString::number(at.toMSecsSinceEpoch()) + payload
                     : type + QLatin1Char(' ') + payload;
    }
};

QString instanceName(SentinelEvent::Instance instance);

} // namespace sdcore

Q_DECLARE_METATYPE(sdcore::SentinelEvent)
