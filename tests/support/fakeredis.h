#pragma once

// A fake Redis server for tests whose point is a server that is not Redis (a SCAN that never
// ends, errors that echo arguments): listens on a free loopback port, reads RESP commands,
// answers each with the bytes the handler returns, and keeps every byte clients sent.

#include <QByteArray>
#include <QList>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

class FakeRedis
{
public:
    using Handler = std::function<QByteArray(const QList<QByteArray> &argv)>;

    explicit FakeRedis(Handler handler)
        : m_handler(std::move(handler))
    {
        m_listen = ::socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        ::setsockopt(m_listen, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(m_listen, reinterpret_cast<sockaddr *>(&addr), sizeof addr);
        ::listen(m_listen, 16);
        socklen_t len = sizeof addr;
        ::getsockname(m_listen, reinterpret_cast<sockaddr *>(&addr), &len);
        m_port = ntohs(addr.sin_port);
        m_acceptor = std::thread([this] { acceptLoop(); });
    }

    ~FakeRedis()
    {
        m_stop = true;
        ::shutdown(m_listen, SHUT_RDWR);
        ::close(m_listen);
        m_acceptor.join();
        std::lock_guard lock(m_mutex);
        for (int fd : m_clients)
            ::shutdown(fd, SHUT_RDWR);
        for (std::thread &t : m_threads)
            t.join();
    }

    quint16 port() const { return m_port; }
    QByteArray received() const
    {
        std::lock_guard lock(m_mutex);
        return m_received;
    }

    static QByteArray bulk(const QByteArray &b) { return "$" + QByteArray::number(b.size()) + "\r\n" + b + "\r\n"; }

private:
    void acceptLoop()
    {
        while (!m_stop) {
            const int fd = ::accept(m_listen, nullptr, nullptr);
            if (fd < 0)
                return;
            std::lock_guard lock(m_mutex);
            m_clients.push_back(fd);
            m_threads.emplace_back([this, fd] { serve(fd); });
        }
    }

    // The first complete command in `buffer` (an array of bulk strings), removed from it.
    static bool takeCommand(QByteArray &buffer, QList<QByteArray> &argv)
    {
        argv.clear();
        if (!buffer.startsWith('*'))
            return false;
        qsizetype pos = buffer.indexOf("\r\n");
        if (pos < 0)
            return false;
        const int n = buffer.mid(1, pos - 1).toInt();
        pos += 2;
        for (int i = 0; i < n; ++i) {
            const qsizetype eol = buffer.indexOf("\r\n", pos);
            if (eol < 0 || buffer.at(pos) != '$')
                return false;
            const qsizetype len = buffer.mid(pos + 1, eol - pos - 1).toLongLong();
            if (buffer.size() < eol + 2 + len + 2)
                return false;
            argv << buffer.mid(eol + 2, len);
            pos = eol + 2 + len + 2;
        }
        buffer.remove(0, pos);
        return true;
    }

    void serve(int fd)
    {
        QByteArray buffer;
        char chunk[65536];
        while (!m_stop) {
            const ssize_t n = ::read(fd, chunk, sizeof chunk);
            if (n <= 0)
                break;
            buffer.append(chunk, n);
            {
                std::lock_guard lock(m_mutex);
                m_received.append(chunk, n);
            }
            QList<QByteArray> argv;
            while (takeCommand(buffer, argv)) {
                const QByteArray reply = m_handler(argv);
                if (reply.isEmpty())
                    continue;
                if (::send(fd, reply.constData(), size_t(reply.size()), MSG_NOSIGNAL) < 0)
                    break;
            }
        }
        ::close(fd);
    }

    Handler m_handler;
    int m_listen = -1;
    quint16 m_port = 0;
    std::atomic_bool m_stop{false};
    std::thread m_acceptor;
    mutable std::mutex m_mutex;
    std::vector<int> m_clients;
    std::vector<std::thread> m_threads;
    QByteArray m_received;
};
