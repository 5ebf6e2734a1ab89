#pragma once

#include "core/cluster/clusterfailover.h"

#include <QDialog>

class QButtonGroup;
class QComboBox;
class QLabel;
class QPushButton;

namespace sdui {

// Asked before a cluster shard's manual failover: which shard (its slots and primary), which
// replica (the most up-to-date healthy one unless chosen), and how (the default handshake,
// FORCE or TAKEOVER, each with what it risks in words). The plan is checked against the last
// poll as the choice changes; Fail over stays off while it is refused, with the reason shown.
// FORCE and TAKEOVER ask a second time (confirmSecond). Cancel is the default button.
class ClusterFailoverDialog final : public QDialog
{
    Q_OBJECT
public:
    explicit ClusterFailoverDialog(const sdcore::TopologySnapshot &snapshot, QWidget *parent = nullptr);

    sdcore::ClusterFailoverRequest request() const;
    QComboBox *shardBox() const { return m_shard; }
    QComboBox *replicaBox() const { return m_replica; }
    QPushButton *failoverButton() const { return m_ok; }
    QString planText() const;
    void setMode(sdcore::ClusterFailoverRequest::Mode mode);

private:
    void fillReplicas();
    void check();

    sdcore::TopologySnapshot m_snapshot;
    QComboBox *m_shard = nullptr;
    QComboBox *m_replica = nullptr;
    QButtonGroup *m_mode = nullptr;
    QLabel *m_risk = nullptr;
    QLabel *m_plan = nullptr;
    QPushButton *m_ok = nullptr;
};

} // namespace sdui
