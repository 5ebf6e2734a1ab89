#pragma once

// Sends commands about keys to the node that serves them, as a cluster client does: the slot
// map from CLUSTER SLOTS (asked of any node that answers: the seeds, then every node learned),
// each key to the primary of its slot; a MOVED reply updates the map (and asks for a full
// refresh) and the command goes again to the node named, an ASK reply sends ASKING and the
// command once to the target (a slot being migrated), TRYAGAIN and CLUSTERDOWN are retried a
// few times, 100 ms apart, before they become an error that says so. One connection per node,
// opened when first needed. Blocking; use from one thread.

#include "core/redis/redisconnection.h"

#include <QHash>
#include <QList>

#include <array>
#include <optional>
#include <map>
#include <memory>

namespace sdcore {

class ClusterRouter
{
public:
    static constexpr int MaxRedirects = 5;
    static constexpr int MaxRetries = 3;

    explicit ClusterRouter(RedisUrl url, ConnectionOptions options = {});
    ~ClusterRouter();

    const RedisUrl &url() const { return m_url; }
    // Asks a node for CLUSTER SLOTS and rebuilds the map.
    Status refresh();
    bool hasMap() const { return m_mapped; }

    // The command about `key`, sent where the key lives. Error replies other than redirects
    // become Errors as RedisConnection::command() makes them.
    Result<RedisValue> command(QByteArrayView key, const Command &argv);
    // Several commands, each about its key: one pipeline per node; the replies come back in
    // the input order, error replies as values (redirected ones are retried one by one).
    Result<QList<RedisValue>> pipeline(const QList<QPair<QByteArray, Command>> &commands);

    // The primary serving `key`'s slot (the map as it stands), empty when none is known.
    HostPort nodeOf(QByteArrayView key) const;
    HostPort nodeOfSlot(int slot) const;
    // Every primary that serves slots, in slot order.
    QList<HostPort> primaries() const;
    // The connection to `node`, opened with the URL's credentials and TLS when needed.
    Result<RedisConnection *> connectionTo(const HostPort &node);

    // What the router did, for tests and the probe: redirects followed, map refreshes.
    int movedCount() const { return m_moved; }
    int askCount() const { return m_asked; }
    int refreshCount() const { return m_refreshes; }

private:
    // A redirect in an error reply: "MOVED 3999 127.0.0.1:6381", "ASK 3999 127.0.0.1:6381".
    struct Redirect
    {
        bool ask = false;
        int slot = -1;
        HostPort node;
    };
    static std::optional<Redirect> redirectOf(const RedisValue &reply);
    Result<RedisValue> sendTo(const HostPort &node, const Command &argv, bool asking);
    void forget(const HostPort &node);

    RedisUrl m_url;
    ConnectionOptions m_options;
    std::array<qint16, 16384> m_slots{};   // index into m_nodes, -1 when unknown
    QList<HostPort> m_nodes;
    QList<HostPort> m_known;               // seeds and every node learned
    std::map<QString, std::unique_ptr<RedisConnection>> m_connections;
    bool m_mapped = false;
    bool m_stale = false;
    int m_moved = 0;
    int m_asked = 0;
    int m_refreshes = 0;
};

} // namespace sdcore
