// The triples view's compiled-in vocabulary: rdf:type and the prov:, dcterms:, foaf: and sov:
// classes and properties the projector uses. Their ids are computed once at startup and they are
// never written to the view's dictionary (see pipeline/triples_store.h); changing this list bumps
// the view version. Internal to the triples view: included by its .cc files only.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>

#include "pipeline/triples/rdf_terms.h"

namespace sov::pipeline {

#define SOV_TRIPLES_VOCAB(X)                             \
  X(kRdfType, kRdfNs, "type")                            \
  X(kProvActivity, kProvNs, "Activity")                  \
  X(kProvAgent, kProvNs, "Agent")                        \
  X(kProvEntity, kProvNs, "Entity")                      \
  X(kProvWasAssociatedWith, kProvNs, "wasAssociatedWith") \
  X(kProvWasAttributedTo, kProvNs, "wasAttributedTo")    \
  X(kProvStartedAtTime, kProvNs, "startedAtTime")        \
  X(kProvEndedAtTime, kProvNs, "endedAtTime")            \
  X(kProvGeneratedAtTime, kProvNs, "generatedAtTime")    \
  X(kProvUsed, kProvNs, "used")                          \
  X(kProvWasGeneratedBy, kProvNs, "wasGeneratedBy")      \
  X(kDcTitle, kDctermsNs, "title")                       \
  X(kDcDescription, kDctermsNs, "description")           \
  X(kDcCreated, kDctermsNs, "created")                   \
  X(kDcCreator, kDctermsNs, "creator")                   \
  X(kDcIsPartOf, kDctermsNs, "isPartOf")                 \
  X(kFoafMember, kFoafNs, "member")                      \
  X(kFoafName, kFoafNs, "name")                          \
  X(kSovTeam, kSovNs, "Team")                            \
  X(kSovWorkspace, kSovNs, "Workspace")                  \
  X(kSovMessage, kSovNs, "Message")                      \
  X(kSovToolCall, kSovNs, "ToolCall")                    \
  X(kSovPayment, kSovNs, "Payment")                      \
  X(kSovQuote, kSovNs, "Quote")                          \
  X(kSovTask, kSovNs, "Task")                            \
  X(kSovTaskResult, kSovNs, "TaskResult")                \
  X(kSovBundle, kSovNs, "Bundle")                        \
  X(kSovMembership, kSovNs, "Membership")                \
  X(kSovMessageType, kSovNs, "messageType")              \
  X(kSovContent, kSovNs, "content")                      \
  X(kSovInReplyTo, kSovNs, "inReplyTo")                  \
  X(kSovLeader, kSovNs, "leader")                        \
  X(kSovGroup, kSovNs, "group")                          \
  X(kSovAgent, kSovNs, "agent")                          \
  X(kSovRole, kSovNs, "role")                            \
  X(kSovInvitedAt, kSovNs, "invitedAt")                  \
  X(kSovJoinedAt, kSovNs, "joinedAt")                    \
  X(kSovLeftAt, kSovNs, "leftAt")                        \
  X(kSovLeftReason, kSovNs, "leftReason")                \
  X(kSovMaxMembers, kSovNs, "maxMembers")                \
  X(kSovBudget, kSovNs, "budget")                        \
  X(kSovWorker, kSovNs, "worker")                        \
  X(kSovSuccess, kSovNs, "success")                      \
  X(kSovCost, kSovNs, "cost")                            \
  X(kSovResultHash, kSovNs, "resultHash")                \
  X(kSovConflictStrategy, kSovNs, "conflictStrategy")    \
  X(kSovConflictOutcome, kSovNs, "conflictOutcome")      \
  X(kSovWinner, kSovNs, "winner")                        \
  X(kSovResolvedAt, kSovNs, "resolvedAt")                \
  X(kSovDisbandedAt, kSovNs, "disbandedAt")              \
  X(kSovDisbandReason, kSovNs, "disbandReason")          \
  X(kSovArchivedAt, kSovNs, "archivedAt")                \
  X(kSovTool, kSovNs, "tool")                            \
  X(kSovPeer, kSovNs, "peer")                            \
  X(kSovOutcome, kSovNs, "outcome")                      \
  X(kSovDurationMs, kSovNs, "durationMs")                \
  X(kSovTimeoutMs, kSovNs, "timeoutMs")                  \
  X(kSovError, kSovNs, "error")                          \
  X(kSovAmount, kSovNs, "amount")                        \
  X(kSovSettledAmount, kSovNs, "settledAmount")          \
  X(kSovCurrency, kSovNs, "currency")                    \
  X(kSovExpiresAt, kSovNs, "expiresAt")                  \
  X(kSovQuoteRef, kSovNs, "quote")                       \
  X(kSovMode, kSovNs, "mode")                            \
  X(kSovPayer, kSovNs, "payer")                          \
  X(kSovPayee, kSovNs, "payee")                          \
  X(kSovToolCallRef, kSovNs, "toolCall")                 \
  X(kSovAuthorizedAt, kSovNs, "authorizedAt")            \
  X(kSovDeferredAt, kSovNs, "deferredAt")                \
  X(kSovSettledAt, kSovNs, "settledAt")                  \
  X(kSovFailedAt, kSovNs, "failedAt")                    \
  X(kSovRejectedAt, kSovNs, "rejectedAt")                \
  X(kSovRejectReason, kSovNs, "rejectReason")            \
  X(kSovTxHash, kSovNs, "txHash")                        \
  X(kSovCommits, kSovNs, "commits")                      \
  X(kSovSizeBytes, kSovNs, "sizeBytes")                  \
  X(kSovCodeBytes, kSovNs, "codeBytes")                  \
  X(kSovBaseOid, kSovNs, "baseOid")                      \
  X(kSovReceivedFrom, kSovNs, "receivedFrom")            \
  X(kSovReceivedAt, kSovNs, "receivedAt")                \
  X(kSovAppliedAt, kSovNs, "appliedAt")                  \
  X(kSovCapability, kSovNs, "capability")                \
  X(kSovPeerId, kSovNs, "peerId")                        \
  X(kSovAgentVersion, kSovNs, "agentVersion")            \
  X(kSovProtocolVersion, kSovNs, "protocolVersion")      \
  X(kSovSupportsProtocol, kSovNs, "supportsProtocol")

enum Voc : size_t {
#define SOV_VOC_ENUM(name, ns, local) name,
  SOV_TRIPLES_VOCAB(SOV_VOC_ENUM)
#undef SOV_VOC_ENUM
      kVocabSize
};

// The vocabulary terms and their ids; a process-wide constant.
class Vocabulary {
 public:
  static const Vocabulary& Get() {
    static const Vocabulary v;
    return v;
  }
  const std::string& id(Voc v) const { return ids_[v]; }
  // The vocabulary term with this id, or nullptr.
  const RdfTerm* Find(std::string_view id) const {
    auto it = by_id_.find(std::string(id));
    return it == by_id_.end() ? nullptr : &terms_[it->second];
  }

 private:
  Vocabulary();

  std::array<RdfTerm, kVocabSize> terms_;
  std::array<std::string, kVocabSize> ids_;
  std::unordered_map<std::string, size_t> by_id_;
};

}  // namespace sov::pipeline
