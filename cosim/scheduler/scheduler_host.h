// The host side of dysta_scheduler, shared by the scheduler's transactions (scheduler_txn.cpp) and
// the integrated system's (cosim/system/system_txn.cpp): the command port (table programming,
// read-backs, counters), the admission port, the event stream and time. Both tops expose these
// ports under the same names. Header-only so each transaction file stays one build input.
#pragma once

#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "cosim_harness.h"

namespace schedhost {

/** Low 64 bits of a port of any width. */
inline uint64_t low64(const cosim::Port& p) {
    const std::vector<uint32_t> w = p.get();
    uint64_t v = w[0];
    if (w.size() > 1) v |= uint64_t(w[1]) << 32;
    return v;
}

/** What the host presents on the admission port. */
struct Admission {
    uint64_t arrival = 0, variant = 0, deadline = 0, scale = 0;
    uint64_t bank = 0;  // regression coefficient bank (builds with adm_coeff_bank only)
};

/**
 * The table-programming part of a script: `start T`, `cmd OP ADDR HEX` and `preset PATH HEX` lines
 * (an internal register written after programming: a counter or sequence number started where a
 * run of today's length cannot bring it; the simulator must be built with it writable).
 */
struct Program {
    uint64_t start = 0;
    std::vector<std::tuple<uint64_t, uint64_t, std::string>> cmds;  // op, addr, data hex
    std::vector<std::pair<std::string, std::string>> presets;      // register path, value hex
};

/**
 * Reads a script file line by line: `start` and `cmd` lines go into `program`, every other line
 * kind to `other(kind, rest)`, which returns false if it cannot parse the line. Blank lines and
 * `#` comments are skipped. Throws cosim::Error naming the file and line.
 */
inline void readScript(const std::string& path, Program& program, const std::function<bool(const std::string&, std::istringstream&)>& other) {
    std::ifstream in(path);
    if (!in) throw cosim::Error("cannot read script " + path);
    std::string line;
    size_t lineNo = 0;
    while (std::getline(in, line)) {
        lineNo++;
        std::istringstream ls(line);
        std::string kind;
        if (!(ls >> kind) || kind[0] == '#') continue;
        bool ok;
        if (kind == "start") {
            ok = bool(ls >> program.start);
        } else if (kind == "preset") {
            std::string path, value;
            ok = bool(ls >> path >> value);
            if (ok) program.presets.emplace_back(path, value);
        } else if (kind == "cmd") {
            uint64_t op, addr;
            std::string data;
            ok = bool(ls >> op >> addr >> data);
            if (ok) program.cmds.emplace_back(op, addr, data);
        } else {
            ok = other(kind, ls);
        }
        if (!ok) throw cosim::Error("script " + path + " line " + std::to_string(lineNo) + ": cannot parse '" + line + "'");
    }
}

class Host {
public:
    Host(cosim::Harness& h, uint64_t limit, int layerCountWidth, int variantWidth)
        : h(h), limit(limit), layerCountWidth(layerCountWidth), variantWidth(variantWidth),
          cmdValid(P("cmd_valid")), cmdReady(P("cmd_ready")), cmdOp(P("cmd_op")), cmdAddr(P("cmd_addr")), cmdData(P("cmd_data")),
          rspValid(P("rsp_valid")), rspData(P("rsp_data")), admValid(P("adm_valid")), admReady(P("adm_ready")),
          admVariant(P("adm_variant")), admDeadline(P("adm_deadline")), admArrival(P("adm_arrival")), admScale(P("adm_penalty_scale")),
          admSlot(P("adm_slot")), evValid(P("ev_valid")), evReady(P("ev_ready")), evKind(P("ev_kind")), evTask(P("ev_task")),
          evLayer(P("ev_layer")), evTime(P("ev_time")), evScore(P("ev_score")), timeNow(P("time_now")),
          skipEn(h.port("time_skip_en")), skip(h.port("time_skip")), admBank(h.port("adm_coeff_bank")) {}

    uint64_t now() const { return low64(timeNow); }

    /** Advances to `target` in one step where the block offers time skipping, cycle by cycle otherwise. */
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

    /**
     * Reset, program the tables (one command per cycle), then wait for the script's start time.
     * The caller sets its own NPU-side inputs idle first.
     */
    void setup(const Program& program) {
        // Every host input idle through reset and after it, whatever an earlier command left
        // behind (an admission still offered by a run that stopped with an error, a skip enabled).
        cmdValid.setU64(0);
        admValid.setU64(0);
        evReady.setU64(1);
        if (skipEn) skipEn->setU64(0);
        h.reset(2);
        for (const auto& [op, addr, data] : program.cmds) command(op, addr, data);
        // Between clock edges, while the scheduler waits: the next edge starts from these values.
        for (const auto& [path, value] : program.presets) h.setRegister(path, value);
        if (!program.presets.empty()) h.eval();
        if (now() > program.start) {
            throw cosim::Error("programming took until t=" + std::to_string(now()) + ", after the script's start " + std::to_string(program.start));
        }
        tickTo(program.start);
    }

    /** One command on the host port (one cycle; cmd_ready must be high, as in every waiting state). */
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

    /** A read command; the answer comes one cycle after acceptance. */
    uint64_t read(uint64_t op, uint64_t addr, uint64_t field) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%llx", (unsigned long long)field);
        command(op, addr, buf);
        if (!rspValid.u64()) throw cosim::Error("no read response one cycle after the read");
        return low64(rspData);
    }

    /** Log line `G slot valid next_layer gamma P ratio_sum last_run seq` from READ_TASK fields 0-4 and 7. */
    std::string readBack(int slot) {
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

    /** Log line `S slot score`: the slot's score at the last selection (READ_TASK field 6). */
    std::string scoreLine(int slot) { return "S " + std::to_string(slot) + " " + std::to_string(read(3, slot, 6)); }

    /**
     * Log line `K decisions completions admissions stall_cycles last_latency valid last_t_sel now`
     * (READ_COUNTER 1..7, then 0: the cycle of that read).
     */
    std::string counters() {
        std::string k = "K";
        for (uint64_t i : {1, 2, 3, 4, 5, 6, 7, 0}) k += " " + std::to_string(read(4, i, 0));
        return k;
    }

    /** Steps until an event is visible; returns its kind (1 decision, 2 completion). */
    uint64_t waitEvent() {
        uint64_t n = 0;
        while (!evValid.u64()) {
            h.step();
            if (++n > limit) throw cosim::Error("no scheduler event within " + std::to_string(limit) + " cycles (t=" + std::to_string(now()) + ")");
        }
        return evKind.u64();
    }

    /** Drives the admission port with `r` (adm_valid high) and settles; the caller steps. */
    void present(const Admission& r) {
        admValid.setU64(1);
        admVariant.setU64(r.variant);
        admDeadline.setU64(r.deadline);
        admArrival.setU64(r.arrival);
        admScale.setU64(r.scale);
        if (admBank) admBank->setU64(r.bank);
        else if (r.bank) throw cosim::Error("a request has coefficient bank " + std::to_string(r.bank) + " but the design has no adm_coeff_bank (gamma predictor)");
        h.eval();
    }

    cosim::Harness& h;
    const uint64_t limit;
    const int layerCountWidth, variantWidth;

private:
    const cosim::Port& P(const char* name) { return h.portOrThrow(name); }

public:
    const cosim::Port &cmdValid, &cmdReady, &cmdOp, &cmdAddr, &cmdData, &rspValid, &rspData;
    const cosim::Port &admValid, &admReady, &admVariant, &admDeadline, &admArrival, &admScale, &admSlot;
    const cosim::Port &evValid, &evReady, &evKind, &evTask, &evLayer, &evTime, &evScore, &timeNow;
    const cosim::Port* skipEn;
    const cosim::Port* skip;
    const cosim::Port* admBank;
};

}  // namespace schedhost
