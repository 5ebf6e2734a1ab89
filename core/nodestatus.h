#pragma once

// One poll of a connection target, as a plain value: published by StatusPoller on its worker
// thread and handed to the UI over a queued signal.

#include "redisurl.h"

#include <QDateTime>
#include <QMetaType>
#include <QString>

namespace sdcore {

struct NodeStatus
{
    quint64 generation = 0;      // which target this belongs to; stale ones are dropped
    QDateTime at;
    QString target;              // the URL, password redacted
    bool reachable = false;
    QString error;               // why not reachable
    HostPort node;               // the Redis node answering
    QString resolvedBy;          // the sentinel that named the master, if any
    QString role;
    QString version;
    double rttMs = -1;
    qint64 connectedClients = -1;
    qint64 usedMemory = -1;
    qint64 opsPerSec = -1;
    qint64 keys = -1;            // keys in the selected db
    qint64 uptimeSeconds = -1;
    int connectedReplicas = -1;
};

} // namespace sdcore

Q_DECLARE_METATYPE(sdcore::NodeStatus)
