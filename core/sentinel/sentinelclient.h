#pragma once

// Typed access to one sentinel: SENTINEL MASTERS, MASTER, REPLICAS (SLAVES on servers before
// 5.0), SENTINELS, GET-MASTER-ADDR-BY-NAME, CKQUORUM and FAILOVER, parsed into structs. Blocking;
// the object and its connection belong to the thread that created it.

#include "core/redis/redisconnection.h"

#include <QStringList>

#include <memory>

namespace sdcore {

struct SentinelMasterInfo
{
    QString name;
    HostPort address;
    QStringList flags;          // master, s_down, o_down, disconnected, failover_in_progress…
    int quorum = -1;
    int numOtherSentinels = -1;
    int numReplicas = -1;
    qint64 lastOkPingMs = -1;
    qint64 failoverTimeoutMs = -1;
    QString roleReported;
};

struct SentinelReplicaInfo
{
    HostPort address;
    QStringList flags;          // slave, s_down, disconnected, …
    QString masterLinkStatus;   // "ok" / "err"
    qint64 masterLinkDownTimeMs = -1;
    qint64 replOffset = -1;     // slave-repl-offset
    qint64 lastOkPingMs = -1;
    QString roleReported;
};

struct SentinelPeerInfo
{
    HostPort address;
    QString runId;
    QStringList flags;
    qint64 lastOkPingMs = -1;
};

// One round trip's worth of what a sentinel knows about a master group.
struct SentinelTopology
{
    SentinelMasterInfo master;
    QList<SentinelReplicaInfo> replicas;
    QList<SentinelPeerInfo> sentinels;   // the others, not the one asked
    bool quorumOk = false;
    QString quorumText;                  // CKQUORUM's reply, OK or NOQUORUM…
};

class SentinelClient
{
public:
    // Connects to the first of `sentinels` that answers (the URL's credentials are used only if
    // a sentinel asks for them). `why` collects the reasons the others were skipped.
    static Result<SentinelClient> connectAny(const RedisUrl &url, const QList<HostPort> &sentinels,
                                             const ConnectionOptions &options = {},
                                             QStringList *why = nullptr);

    SentinelClient(SentinelClient &&) = default;
    SentinelClient &operator=(SentinelClient &&) = default;
    ~SentinelClient();

    const HostPort &address() const { return m_address; }
    RedisConnection &connection() { return *m_connection; }
    bool isBroken() const { return m_connection->isBroken(); }

    Result<QList<SentinelMasterInfo>> masters();
    Result<SentinelMasterInfo> master(const QString &name);
    Result<QList<SentinelReplicaInfo>> replicas(const QString &name);
    Result<QList<SentinelPeerInfo>> sentinels(const QString &name);
    Result<HostPort> masterAddress(const QString &name);
    // OK: the reply text; NOQUORUM and other refusals: an Error with Sentinel's words.
    Result<QString> checkQuorum(const QString &name);
    // Asks for a failover; Sentinel answers at once (the failover runs after). NOGOODSLAVE,
    // INPROG and the like come back as errors saying what they mean.
    Status failover(const QString &name);
    // MASTER, REPLICAS, SENTINELS and CKQUORUM in one round trip.
    Result<SentinelTopology> topology(const QString &name);

    // Parsers of the flat field/value arrays Sentinel answers with (pure).
    static Result<SentinelMasterInfo> parseMaster(const RedisValue &reply);
    static Result<SentinelReplicaInfo> parseReplica(const RedisValue &reply);
    static Result<SentinelPeerInfo> parsePeer(const RedisValue &reply);

private:
    SentinelClient(std::unique_ptr<RedisConnection> connection, HostPort address);
    Result<QList<SentinelReplicaInfo>> parseReplicas(const RedisValue &reply) const;
    Result<QList<SentinelPeerInfo>> parsePeers(const RedisValue &reply) const;
    Error replyError(const RedisValue &reply, const Command &argv, const QString &name) const;

    std::unique_ptr<RedisConnection> m_connection;
    HostPort m_address;
};

} // namespace sdcore
