// Transactions for the integrated system (dysta_system: the scheduler's decisions drive the sparse
// PE array, whose output lanes feed the scheduler's monitor). The host loop is split into one
// transaction per step of the loop, each run entirely in C++:
//
//   sys_setup SCRIPT LAYER_COUNT_WIDTH VARIANT_WIDTH [LIMIT]
//       reset, program the scheduler's tables (one command per cycle), load the request list, tick
//       to `start`. Reply: ok NOW
//   sys_next
//       runs until the next decision: takes a pending completion (C), admits into an empty table
//       (A, after reading back the slot that ran last), waits for the decision event (D), reads back
//       the slot that ran the previous layer (G) and every valid slot's score (S), then opens the
//       admission window. Reply: ok decision LINE,LINE,...   or   ok end LINE,...,K-line
//   sys_pass FINAL K W0..W{K-1} ROWS RELU SHIFT NOPS OP...
//       runs one pass of the decided layer on the PE array (a layer is one pass, or several when it
//       has more output channels than lanes; FINAL = 1 on its last pass): writes K weight rows (one
//       per cycle), pulses npu_go with npu_final = FINAL and cfg, then one op per cycle: a stream beat
//       `INDEX VALUE LAST` (offered until accepted) or a weight-buffer write `w ADDR HEX` with the
//       stream paused (how a reduction longer than the buffer is split, hwgen/pe-array/passes.ts);
//       collects every output row and passes the cycle in which npu_done is visible (on the final
//       pass the scheduler samples npu_layer_done there). Admissions in arrival order, one per cycle,
//       in every cycle of the layer's passes except the done cycles (A; a refusal B closes the
//       window: a full table cannot free a slot while a layer runs).
//       Reply: ok LINE,LINE,...,L-line | ROWHEX0 ROWHEX1 ...
//
// Log lines (decimal): A req slot t | B req t | D t_sel t_event slot req layer score |
// G slot valid next_layer gamma P ratio_sum last_run seq | S slot score |
// L req layer pass t_go t_done cycles mon_nonzero mon_total | C slot req finish |
// K decisions completions admissions stall_cycles last_latency valid last_t_sel now.
// The TS mirror of this host is hwgen/system/golden.ts (runSystemGolden).
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cosim_harness.h"
#include "scheduler_host.h"

namespace {

struct Req : schedhost::Admission {
    uint64_t nlayers = 0;
};

struct Script {
    schedhost::Program program;
    std::vector<Req> reqs;
};

Script readScript(const std::string& path) {
    Script s;
    schedhost::readScript(path, s.program, [&s](const std::string& kind, std::istringstream& ls) {
        if (kind != "req") return false;
        Req r;
        if (!(ls >> r.arrival >> r.variant >> r.deadline >> r.scale >> r.nlayers)) return false;
        s.reqs.push_back(r);
        return true;
    });
    return s;
}

std::string joinLines(const std::vector<std::string>& lines) {
    std::string out;
    for (size_t i = 0; i < lines.size(); i++) out += (i ? "," : "") + lines[i];
    return out;
}

class System {
public:
    System(cosim::Harness& h, Script script, uint64_t limit, int lcw, int vw)
        : host(h, limit, lcw, vw), h(h), s(std::move(script)),
          wEn(P("w_wr_en")), wAddr(P("w_wr_addr")), wData(P("w_wr_data")), cfgRows(P("cfg_rows")), cfgRelu(P("cfg_relu")),
          cfgShift(P("cfg_shift")), go(P("npu_go")), final(P("npu_final")), pending(P("npu_pending")), actValid(P("act_valid")), actReady(P("act_ready")),
          actValue(P("act_value")), actIndex(P("act_index")), actLast(P("act_last")), outValid(P("npu_out_valid")),
          outData(P("npu_out_data")), done(P("npu_done")), npuCycles(P("npu_cycles")), monNonzero(P("npu_mon_nonzero")),
          monTotal(P("npu_mon_total")), monValid(P("npu_mon_valid")) {
        layerOf.assign(s.reqs.size(), 0);
    }

    uint64_t setup() {
        go.setU64(0);
        wEn.setU64(0);
        actValid.setU64(0);
        host.setup(s.program);
        return host.now();
    }

    std::string next() {
        if (decided) throw cosim::Error("sys_next: the decided layer has not run yet (send sys_pass)");
        std::vector<std::string> out;
        const size_t n = s.reqs.size();
        for (;;) {
            if (awaitCompletion) {
                if (host.waitEvent() != 2) throw cosim::Error("expected a completion event for request " + std::to_string(runReq));
                if (int(host.evTask.u64()) != runSlot) throw cosim::Error("completion of slot " + std::to_string(host.evTask.u64()) + ", expected " + std::to_string(runSlot));
                out.push_back("C " + std::to_string(runSlot) + " " + std::to_string(runReq) + " " + std::to_string(host.evTime.u64()));
                h.step();  // take the event
                occ.erase(runSlot);
                completed++;
                awaitCompletion = false;
            }
            if (completed == n) {
                if (prevG >= 0) out.push_back(host.readBack(prevG)), prevG = -1;
                out.push_back(host.counters());
                return "end " + joinLines(out);
            }
            if (occ.empty()) {
                if (prevG >= 0) out.push_back(host.readBack(prevG)), prevG = -1;
                if (nextReq >= n) throw cosim::Error("internal: nothing pending with an empty table");
                host.tickTo(s.reqs[nextReq].arrival);
                host.present(s.reqs[nextReq]);
                if (!host.admReady.u64()) throw cosim::Error("admission refused by an empty scheduler (t=" + std::to_string(host.now()) + ")");
                const int slot = int(host.admSlot.u64());
                out.push_back("A " + std::to_string(nextReq) + " " + std::to_string(slot) + " " + std::to_string(host.now()));
                h.step();
                host.admValid.setU64(0);
                occ[slot] = nextReq++;
            }
            if (host.waitEvent() != 1) throw cosim::Error("expected a decision event, got kind " + std::to_string(host.evKind.u64()));
            runSlot = int(host.evTask.u64());
            const auto it = occ.find(runSlot);
            if (it == occ.end()) throw cosim::Error("decision for empty slot " + std::to_string(runSlot));
            runReq = it->second;
            runLayer = host.evLayer.u64();
            if (runLayer != layerOf[runReq] || runLayer >= s.reqs[runReq].nlayers)
                throw cosim::Error("request " + std::to_string(runReq) + " got layer " + std::to_string(runLayer) + ", expected " + std::to_string(layerOf[runReq]));
            decisions++;
            out.push_back("D " + std::to_string(host.evTime.u64()) + " " + std::to_string(host.now()) + " " + std::to_string(runSlot) + " " +
                          std::to_string(runReq) + " " + std::to_string(runLayer) + " " + std::to_string(host.evScore.u64()));
            h.step();  // take the event (ev_ready is held high)
            if (!pending.u64()) throw cosim::Error("npu_pending is low after a decision");
            if (prevG >= 0) out.push_back(host.readBack(prevG)), prevG = -1;
            for (const auto& [slot, req] : occ) out.push_back(host.scoreLine(slot));
            decided = true;
            admitOpen = true;
            return "decision " + joinLines(out);
        }
    }

    std::string pass(const cosim::Args& a) {
        if (!decided) throw cosim::Error("sys_pass without a decision (send sys_next first)");
        const bool isFinal = a.u64(0) != 0;
        const uint64_t k = a.u64(1);
        if (k > (uint64_t(1) << wAddr.width)) throw cosim::Error("K = " + std::to_string(k) + " exceeds the weight buffer depth");
        const uint64_t rows = a.u64(2 + k), relu = a.u64(3 + k), shift = a.u64(4 + k), nops = a.u64(5 + k);
        const size_t o0 = 6 + k;
        a.expect(o0 + 3 * nops, o0 + 3 * nops);
        std::vector<std::string> out;
        // Weights, one row per cycle.
        for (uint64_t i = 0; i < k; i++) {
            wEn.setU64(1);
            wAddr.setU64(i);
            wData.setHex(a.str(2 + i));
            windowStep(out);
        }
        wEn.setU64(0);
        // Start the pass (the first one launches the pending decision) with this pass's cfg.
        cfgRows.setU64(rows);
        cfgRelu.setU64(relu);
        cfgShift.setU64(shift);
        go.setU64(1);
        final.setU64(isFinal ? 1 : 0);
        const uint64_t tGo = host.now();
        windowStep(out);
        go.setU64(0);
        final.setU64(0);
        // One op per cycle (a beat until accepted, or a weight write); collect rows until done is visible.
        const uint64_t valueMask = actValue.width >= 64 ? ~uint64_t(0) : (uint64_t(1) << actValue.width) - 1;
        std::vector<std::string> outRows;
        uint64_t next = 0, spent = 0;
        const uint64_t lim = 4 * (nops + rows) + 64;
        for (;;) {
            bool isWrite = false;
            if (next < nops) {
                const size_t at = o0 + 3 * next;
                isWrite = a.str(at) == "w";
                if (isWrite) {
                    actValid.setU64(0);
                    wEn.setU64(1);
                    wAddr.setU64(a.u64(at + 1));
                    wData.setHex(a.str(at + 2));
                } else {
                    actValid.setU64(1);
                    actIndex.setU64(a.u64(at));
                    actValue.setU64(uint64_t(a.i64(at + 1)) & valueMask);
                    actLast.setU64(a.u64(at + 2));
                }
            } else {
                actValid.setU64(0);
            }
            h.eval();
            const bool taken = next < nops && (isWrite || actReady.u64());
            windowStep(out);
            wEn.setU64(0);
            if (taken) next++;
            if (outValid.u64()) outRows.push_back(outData.hex());
            if (done.u64()) break;
            if (++spent > lim) throw cosim::Error("pass did not finish within " + std::to_string(lim) + " cycles");
        }
        actValid.setU64(0);
        if (next < nops) throw cosim::Error("the array finished with " + std::to_string(nops - next) + " ops not taken");
        const uint64_t tDone = host.now();
        h.step();  // on the final pass the scheduler samples npu_layer_done; the monitors fold in the last row
        if (!monValid.u64()) throw cosim::Error("npu_tile monitor counts not valid after done");
        out.push_back("L " + std::to_string(runReq) + " " + std::to_string(runLayer) + " " + std::to_string(passIndex) + " " + std::to_string(tGo) + " " +
                      std::to_string(tDone) + " " + std::to_string(npuCycles.u64()) + " " + std::to_string(monNonzero.u64()) + " " + std::to_string(monTotal.u64()));
        passIndex++;
        if (isFinal) {
            admitOpen = false;
            decided = false;
            passIndex = 0;
            prevG = runSlot;
            if (++layerOf[runReq] == s.reqs[runReq].nlayers) awaitCompletion = true;
        }
        std::string reply = joinLines(out) + " |";
        for (const auto& r : outRows) reply += " " + r;
        return reply;
    }

private:
    const cosim::Port& P(const char* name) { return h.portOrThrow(name); }
    /** One cycle of the admission window: offer the next request if it has arrived. */
    void windowStep(std::vector<std::string>& out) {
        const bool tryAdmit = admitOpen && nextReq < s.reqs.size() && s.reqs[nextReq].arrival <= host.now() && !done.u64();
        if (!tryAdmit) {
            h.step();
            return;
        }
        host.present(s.reqs[nextReq]);
        const bool ok = host.admReady.u64() != 0;
        const int slot = int(host.admSlot.u64());
        const uint64_t t = host.now();
        h.step();
        host.admValid.setU64(0);
        if (ok) {
            out.push_back("A " + std::to_string(nextReq) + " " + std::to_string(slot) + " " + std::to_string(t));
            occ[slot] = nextReq++;
        } else {
            out.push_back("B " + std::to_string(nextReq) + " " + std::to_string(t));
            admitOpen = false;
        }
    }

    schedhost::Host host;
    cosim::Harness& h;
    Script s;
    std::map<int, size_t> occ;  // slot -> request
    std::vector<uint64_t> layerOf;
    size_t nextReq = 0, completed = 0;
    uint64_t decisions = 0;
    int prevG = -1, runSlot = -1;
    size_t runReq = 0;
    uint64_t runLayer = 0;
    uint64_t passIndex = 0;
    bool decided = false, admitOpen = false, awaitCompletion = false;
    const cosim::Port &wEn, &wAddr, &wData, &cfgRows, &cfgRelu, &cfgShift, &go, &final, &pending;
    const cosim::Port &actValid, &actReady, &actValue, &actIndex, &actLast, &outValid, &outData, &done, &npuCycles;
    const cosim::Port &monNonzero, &monTotal, &monValid;
};

std::unique_ptr<System> sys;

System& current() {
    if (!sys) throw cosim::Error("no system run: send sys_setup first");
    return *sys;
}

cosim::Command setupCmd("sys_setup", "SCRIPT LAYER_COUNT_WIDTH VARIANT_WIDTH [LIMIT]", [](cosim::Harness& h, const cosim::Args& a) -> std::string {
    a.expect(3, 4);
    sys.reset();
    auto s = std::make_unique<System>(h, readScript(a.str(0)), a.u64(3, 1000000), int(a.u64(1)), int(a.u64(2)));
    const uint64_t t = s->setup();
    sys = std::move(s);
    return std::to_string(t);
});

cosim::Command nextCmd("sys_next", "", [](cosim::Harness&, const cosim::Args& a) -> std::string {
    a.expect(0, 0);
    return current().next();
});

cosim::Command passCmd("sys_pass", "FINAL K W... ROWS RELU SHIFT NOPS (INDEX VALUE LAST | w ADDR HEX)...", [](cosim::Harness&, const cosim::Args& a) -> std::string {
    return current().pass(a);
});

}  // namespace
