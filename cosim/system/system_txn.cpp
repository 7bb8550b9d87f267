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
//   sys_layer K W0..W{K-1} ROWS RELU SHIFT NBEATS (INDEX VALUE LAST)...
//       runs the decided layer on the PE array: writes K weight rows (one per cycle), pulses npu_go
//       with cfg, offers one stream beat per cycle, collects every output row, and passes the cycle
//       in which npu_done is visible (the scheduler samples npu_layer_done there). Admissions in
//       arrival order, one per cycle, in every cycle of the window except the done cycle (A; a
//       refusal B closes the window: a full table cannot free a slot while a layer runs).
//       Reply: ok LINE,LINE,...,L-line | ROWHEX0 ROWHEX1 ...
//
// Log lines (decimal): A req slot t | B req t | D t_sel t_event slot req layer score |
// G slot valid next_layer gamma P ratio_sum last_run seq | S slot score |
// L req layer t_go t_done cycles mon_nonzero mon_total | C slot req finish |
// K decisions completions admissions stall_cycles last_latency valid last_t_sel now.
// The TS mirror of this host is hwgen/system/golden.ts (runSystemGolden).
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cosim_harness.h"

namespace {

struct Req {
    uint64_t arrival, variant, deadline, scale, nlayers;
};

struct Script {
    uint64_t start = 0;
    std::vector<std::tuple<uint64_t, uint64_t, std::string>> cmds;  // op, addr, data hex
    std::vector<Req> reqs;
};

Script readScript(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw cosim::Error("cannot read script " + path);
    Script s;
    std::string line;
    size_t lineNo = 0;
    while (std::getline(in, line)) {
        lineNo++;
        std::istringstream ls(line);
        std::string kind;
        if (!(ls >> kind) || kind[0] == '#') continue;
        bool ok = true;
        if (kind == "start") {
            ok = bool(ls >> s.start);
        } else if (kind == "cmd") {
            uint64_t op, addr;
            std::string data;
            ok = bool(ls >> op >> addr >> data);
            s.cmds.emplace_back(op, addr, data);
        } else if (kind == "req") {
            Req r;
            ok = bool(ls >> r.arrival >> r.variant >> r.deadline >> r.scale >> r.nlayers);
            s.reqs.push_back(r);
        } else {
            ok = false;
        }
        if (!ok) throw cosim::Error("script " + path + " line " + std::to_string(lineNo) + ": cannot parse '" + line + "'");
    }
    return s;
}

uint64_t low64(const cosim::Port& p) {
    const std::vector<uint32_t> w = p.get();
    uint64_t v = w[0];
    if (w.size() > 1) v |= uint64_t(w[1]) << 32;
    return v;
}

std::string joinLines(const std::vector<std::string>& lines) {
    std::string out;
    for (size_t i = 0; i < lines.size(); i++) out += (i ? "," : "") + lines[i];
    return out;
}

class System {
public:
    System(cosim::Harness& h, Script script, uint64_t limit, int lcw, int vw)
        : h(h), s(std::move(script)), limit(limit), layerCountWidth(lcw), variantWidth(vw),
          cmdValid(P("cmd_valid")), cmdReady(P("cmd_ready")), cmdOp(P("cmd_op")), cmdAddr(P("cmd_addr")), cmdData(P("cmd_data")),
          rspValid(P("rsp_valid")), rspData(P("rsp_data")), admValid(P("adm_valid")), admReady(P("adm_ready")),
          admVariant(P("adm_variant")), admDeadline(P("adm_deadline")), admArrival(P("adm_arrival")), admScale(P("adm_penalty_scale")),
          admSlot(P("adm_slot")), evValid(P("ev_valid")), evReady(P("ev_ready")), evKind(P("ev_kind")), evTask(P("ev_task")),
          evLayer(P("ev_layer")), evTime(P("ev_time")), evScore(P("ev_score")), timeNow(P("time_now")),
          wEn(P("w_wr_en")), wAddr(P("w_wr_addr")), wData(P("w_wr_data")), cfgRows(P("cfg_rows")), cfgRelu(P("cfg_relu")),
          cfgShift(P("cfg_shift")), go(P("npu_go")), pending(P("npu_pending")), actValid(P("act_valid")), actReady(P("act_ready")),
          actValue(P("act_value")), actIndex(P("act_index")), actLast(P("act_last")), outValid(P("npu_out_valid")),
          outData(P("npu_out_data")), done(P("npu_done")), npuCycles(P("npu_cycles")), monNonzero(P("npu_mon_nonzero")),
          monTotal(P("npu_mon_total")), monValid(P("npu_mon_valid")), skipEn(h.port("time_skip_en")), skip(h.port("time_skip")) {
        layerOf.assign(s.reqs.size(), 0);
    }

    uint64_t setup() {
        evReady.setU64(1);
        h.reset(2);
        for (const auto& [op, addr, data] : s.cmds) command(op, addr, data);
        if (now() > s.start) throw cosim::Error("programming took until t=" + std::to_string(now()) + ", after the script's start " + std::to_string(s.start));
        tickTo(s.start);
        return now();
    }

    std::string next() {
        if (decided) throw cosim::Error("sys_next: the decided layer has not run yet (send sys_layer)");
        std::vector<std::string> out;
        const size_t n = s.reqs.size();
        for (;;) {
            if (awaitCompletion) {
                if (waitEvent() != 2) throw cosim::Error("expected a completion event for request " + std::to_string(runReq));
                if (int(evTask.u64()) != runSlot) throw cosim::Error("completion of slot " + std::to_string(evTask.u64()) + ", expected " + std::to_string(runSlot));
                out.push_back("C " + std::to_string(runSlot) + " " + std::to_string(runReq) + " " + std::to_string(evTime.u64()));
                h.step();  // take the event
                occ.erase(runSlot);
                completed++;
                awaitCompletion = false;
            }
            if (completed == n) {
                if (prevG >= 0) out.push_back(readBack(prevG)), prevG = -1;
                // READ_COUNTER: DECISIONS 1, COMPLETIONS 2, ADMISSIONS 3, ADMIT_STALLS 4, LAST_LATENCY 5,
                // VALID 6, LAST_SELECT_TIME 7, NOW 0 (the cycle of that read).
                std::string k = "K";
                for (uint64_t i : {1, 2, 3, 4, 5, 6, 7, 0}) k += " " + std::to_string(read(4, i, 0));
                out.push_back(k);
                return "end " + joinLines(out);
            }
            if (occ.empty()) {
                if (prevG >= 0) out.push_back(readBack(prevG)), prevG = -1;
                if (nextReq >= n) throw cosim::Error("internal: nothing pending with an empty table");
                tickTo(s.reqs[nextReq].arrival);
                present(s.reqs[nextReq]);
                if (!admReady.u64()) throw cosim::Error("admission refused by an empty scheduler (t=" + std::to_string(now()) + ")");
                const int slot = int(admSlot.u64());
                out.push_back("A " + std::to_string(nextReq) + " " + std::to_string(slot) + " " + std::to_string(now()));
                h.step();
                admValid.setU64(0);
                occ[slot] = nextReq++;
            }
            if (waitEvent() != 1) throw cosim::Error("expected a decision event, got kind " + std::to_string(evKind.u64()));
            runSlot = int(evTask.u64());
            const auto it = occ.find(runSlot);
            if (it == occ.end()) throw cosim::Error("decision for empty slot " + std::to_string(runSlot));
            runReq = it->second;
            runLayer = evLayer.u64();
            if (runLayer != layerOf[runReq] || runLayer >= s.reqs[runReq].nlayers)
                throw cosim::Error("request " + std::to_string(runReq) + " got layer " + std::to_string(runLayer) + ", expected " + std::to_string(layerOf[runReq]));
            decisions++;
            out.push_back("D " + std::to_string(evTime.u64()) + " " + std::to_string(now()) + " " + std::to_string(runSlot) + " " +
                          std::to_string(runReq) + " " + std::to_string(runLayer) + " " + std::to_string(evScore.u64()));
            h.step();  // take the event (ev_ready is held high)
            if (!pending.u64()) throw cosim::Error("npu_pending is low after a decision");
            if (prevG >= 0) out.push_back(readBack(prevG)), prevG = -1;
            for (const auto& [slot, req] : occ) out.push_back("S " + std::to_string(slot) + " " + std::to_string(read(3, slot, 6)));
            decided = true;
            admitOpen = true;
            return "decision " + joinLines(out);
        }
    }

    std::string layer(const cosim::Args& a) {
        if (!decided) throw cosim::Error("sys_layer without a decision (send sys_next first)");
        const uint64_t k = a.u64(0);
        if (k > (uint64_t(1) << wAddr.width)) throw cosim::Error("K = " + std::to_string(k) + " exceeds the weight buffer depth");
        const uint64_t rows = a.u64(1 + k), relu = a.u64(2 + k), shift = a.u64(3 + k), nbeats = a.u64(4 + k);
        const size_t b0 = 5 + k;
        a.expect(b0 + 3 * nbeats, b0 + 3 * nbeats);
        std::vector<std::string> out;
        // Weights, one row per cycle.
        for (uint64_t i = 0; i < k; i++) {
            wEn.setU64(1);
            wAddr.setU64(i);
            wData.setHex(a.str(1 + i));
            windowStep(out);
        }
        wEn.setU64(0);
        // Launch the pending decision with this layer's cfg.
        cfgRows.setU64(rows);
        cfgRelu.setU64(relu);
        cfgShift.setU64(shift);
        go.setU64(1);
        const uint64_t tGo = now();
        windowStep(out);
        go.setU64(0);
        // Stream; collect rows until done is visible.
        const uint64_t valueMask = actValue.width >= 64 ? ~uint64_t(0) : (uint64_t(1) << actValue.width) - 1;
        std::vector<std::string> outRows;
        uint64_t next = 0, spent = 0;
        const uint64_t lim = 4 * (nbeats + rows) + 64;
        for (;;) {
            if (next < nbeats) {
                actValid.setU64(1);
                actIndex.setU64(a.u64(b0 + 3 * next));
                actValue.setU64(uint64_t(a.i64(b0 + 1 + 3 * next)) & valueMask);
                actLast.setU64(a.u64(b0 + 2 + 3 * next));
            } else {
                actValid.setU64(0);
            }
            h.eval();
            const bool accepted = next < nbeats && actReady.u64();
            windowStep(out);
            if (accepted) next++;
            if (outValid.u64()) outRows.push_back(outData.hex());
            if (done.u64()) break;
            if (++spent > lim) throw cosim::Error("layer did not finish within " + std::to_string(lim) + " cycles");
        }
        actValid.setU64(0);
        const uint64_t tDone = now();
        h.step();  // the scheduler samples npu_layer_done; both monitors fold in the last row
        admitOpen = false;
        if (!monValid.u64()) throw cosim::Error("npu_tile monitor counts not valid after done");
        out.push_back("L " + std::to_string(runReq) + " " + std::to_string(runLayer) + " " + std::to_string(tGo) + " " + std::to_string(tDone) + " " +
                      std::to_string(npuCycles.u64()) + " " + std::to_string(monNonzero.u64()) + " " + std::to_string(monTotal.u64()));
        decided = false;
        prevG = runSlot;
        if (++layerOf[runReq] == s.reqs[runReq].nlayers) awaitCompletion = true;
        std::string reply = joinLines(out) + " |";
        for (const auto& r : outRows) reply += " " + r;
        return reply;
    }

private:
    const cosim::Port& P(const char* name) { return h.portOrThrow(name); }
    uint64_t now() { return low64(timeNow); }

    void tickTo(uint64_t target) {
        const uint64_t t = now();
        if (t >= target) return;
        if (skipEn && skip) {
            skipEn->setU64(1);
            skip->setU64(target - t);
            h.step();
            skipEn->setU64(0);
        } else {
            h.step(target - t);
        }
    }

    void command(uint64_t op, uint64_t addr, const std::string& dataHex) {
        cmdValid.setU64(1);
        cmdOp.setU64(op);
        cmdAddr.setU64(addr);
        cmdData.setHex(dataHex);
        h.eval();
        if (!cmdReady.u64()) throw cosim::Error("cmd_ready is low in a waiting state (t=" + std::to_string(now()) + ")");
        h.step();
        cmdValid.setU64(0);
    }

    uint64_t read(uint64_t op, uint64_t addr, uint64_t field) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%llx", (unsigned long long)field);
        command(op, addr, buf);
        if (!rspValid.u64()) throw cosim::Error("no read response one cycle after the read");
        return low64(rspData);
    }

    std::string readBack(int slot) {
        // READ_TASK fields: STATUS 0, GAMMA 1, PRED 2, RATIO_SUM 3, LAST_RUN 4, SEQ 7.
        const uint64_t status = read(3, slot, 0);
        const uint64_t gamma = read(3, slot, 1);
        const uint64_t pred = read(3, slot, 2);
        const uint64_t rsum = read(3, slot, 3);
        const uint64_t lastRun = read(3, slot, 4);
        const uint64_t seq = read(3, slot, 7);
        const uint64_t nextLayer = status & ((uint64_t(1) << layerCountWidth) - 1);
        const uint64_t validBit = (status >> (layerCountWidth + variantWidth)) & 1;
        std::ostringstream o;
        o << "G " << slot << ' ' << validBit << ' ' << nextLayer << ' ' << gamma << ' ' << pred << ' ' << rsum << ' ' << lastRun << ' ' << seq;
        return o.str();
    }

    uint64_t waitEvent() {
        uint64_t n = 0;
        while (!evValid.u64()) {
            h.step();
            if (++n > limit) throw cosim::Error("no scheduler event within " + std::to_string(limit) + " cycles (t=" + std::to_string(now()) + ")");
        }
        return evKind.u64();
    }

    void present(const Req& r) {
        admValid.setU64(1);
        admVariant.setU64(r.variant);
        admDeadline.setU64(r.deadline);
        admArrival.setU64(r.arrival);
        admScale.setU64(r.scale);
        h.eval();
    }

    /** One cycle of the admission window: offer the next request if it has arrived. */
    void windowStep(std::vector<std::string>& out) {
        const bool tryAdmit = admitOpen && nextReq < s.reqs.size() && s.reqs[nextReq].arrival <= now() && !done.u64();
        if (!tryAdmit) {
            h.step();
            return;
        }
        present(s.reqs[nextReq]);
        const bool ok = admReady.u64() != 0;
        const int slot = int(admSlot.u64());
        const uint64_t t = now();
        h.step();
        admValid.setU64(0);
        if (ok) {
            out.push_back("A " + std::to_string(nextReq) + " " + std::to_string(slot) + " " + std::to_string(t));
            occ[slot] = nextReq++;
        } else {
            out.push_back("B " + std::to_string(nextReq) + " " + std::to_string(t));
            admitOpen = false;
        }
    }

    cosim::Harness& h;
    Script s;
    uint64_t limit;
    int layerCountWidth, variantWidth;
    std::map<int, size_t> occ;  // slot -> request
    std::vector<uint64_t> layerOf;
    size_t nextReq = 0, completed = 0;
    uint64_t decisions = 0;
    int prevG = -1, runSlot = -1;
    size_t runReq = 0;
    uint64_t runLayer = 0;
    bool decided = false, admitOpen = false, awaitCompletion = false;
    const cosim::Port &cmdValid, &cmdReady, &cmdOp, &cmdAddr, &cmdData, &rspValid, &rspData;
    const cosim::Port &admValid, &admReady, &admVariant, &admDeadline, &admArrival, &admScale, &admSlot;
    const cosim::Port &evValid, &evReady, &evKind, &evTask, &evLayer, &evTime, &evScore, &timeNow;
    const cosim::Port &wEn, &wAddr, &wData, &cfgRows, &cfgRelu, &cfgShift, &go, &pending;
    const cosim::Port &actValid, &actReady, &actValue, &actIndex, &actLast, &outValid, &outData, &done, &npuCycles;
    const cosim::Port &monNonzero, &monTotal, &monValid;
    const cosim::Port* skipEn;
    const cosim::Port* skip;
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

cosim::Command layerCmd("sys_layer", "K W... ROWS RELU SHIFT NBEATS (INDEX VALUE LAST)...", [](cosim::Harness&, const cosim::Args& a) -> std::string {
    return current().layer(a);
});

}  // namespace
