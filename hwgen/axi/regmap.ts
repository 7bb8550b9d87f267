// The register map of the AXI4-Lite shell around dysta_scheduler (dysta_axi_shell): one table that
// the RTL decodes, the golden model follows and rtl-out/README.md prints. The integration test uses
// literal offsets (not this table), so a wrong entry here is caught there.

/** How software may access a register. Action registers (`action`) act on any write. */
export type RegAccess = 'ro' | 'rw' | 'action';

export interface RegDef {
  /** Byte offset (a multiple of 4; the shell decodes address bits [7:2]). */
  offset: number;
  name: string;
  access: RegAccess;
  doc: string;
}

/** Value of the ID register: "DYST" in ASCII. */
export const AXI_ID = 0x44595354;
/** Address bits of the slave (256-byte window). */
export const AXI_ADDR_WIDTH = 8;

export const REG = {
  ID: 0x00,
  CONFIG: 0x04,
  STATUS: 0x08,
  IRQ_ENABLE: 0x0c,
  CMD_OP: 0x10,
  CMD_ADDR: 0x14,
  CMD_DATA0: 0x18,
  CMD_DATA1: 0x1c,
  CMD_DATA2: 0x20,
  CMD_GO: 0x24,
  RSP_DATA0: 0x28,
  RSP_DATA1: 0x2c,
  RSP_DATA2: 0x30,
  ADM_VARIANT: 0x40,
  ADM_DEADLINE_LO: 0x44,
  ADM_DEADLINE_HI: 0x48,
  ADM_ARRIVAL_LO: 0x4c,
  ADM_ARRIVAL_HI: 0x50,
  ADM_SCALE_LO: 0x54,
  ADM_SCALE_HI: 0x58,
  ADM_CTRL: 0x5c,
  ADM_RESULT: 0x60,
  ADM_BANK: 0x64,
  EV_INFO: 0x80,
  EV_TIME_LO: 0x84,
  EV_TIME_HI: 0x88,
  EV_SCORE_LO: 0x8c,
  EV_SCORE_HI: 0x90,
  EV_POP: 0x94,
  TIME_LO: 0xa0,
  TIME_HI: 0xa4,
} as const;

/** STATUS bits. */
export const STATUS_BIT = { CMD_BUSY: 0, RSP_VALID: 1, ADM_PENDING: 2, ADM_DONE: 3, EV_VALID: 4, TABLE_FULL: 5, SCHED_BUSY: 6, ADM_READY: 7 } as const;

/** AXI response codes. */
export const RESP = { OKAY: 0, SLVERR: 2 } as const;

export const REGISTERS: readonly RegDef[] = [
  { offset: REG.ID, name: 'ID', access: 'ro', doc: '0x44595354 ("DYST"): the block is present' },
  { offset: REG.CONFIG, name: 'CONFIG', access: 'ro', doc: '[3:0] log2Tasks, [7:4] log2Variants, [11:8] log2MaxLayers, [18:12] timeWidth, [25:19] cmd_data width, [31:26] scoreWidth' },
  { offset: REG.STATUS, name: 'STATUS', access: 'ro', doc: '[0] command busy (issued, not yet accepted, or its read response not yet captured), [1] RSP_DATA holds the response of the last command, [2] admission pending, [3] the last submitted admission was accepted (slot in ADM_RESULT), [4] an event is waiting, [5] table full, [6] scheduler busy (selecting/updating), [7] adm_ready, [31:16] tasks in the table' },
  { offset: REG.IRQ_ENABLE, name: 'IRQ_ENABLE', access: 'rw', doc: '[0] raise `irq` while an event is waiting' },
  { offset: REG.CMD_OP, name: 'CMD_OP', access: 'rw', doc: '[3:0] command opcode (1 write variant, 2 write layer, 3 read task field, 4 read counter, 5 write regression coefficients, 6 write MHG iso, 7 write MHG parameter); SLVERR while a command is busy' },
  { offset: REG.CMD_ADDR, name: 'CMD_ADDR', access: 'rw', doc: 'cmd_addr (variant, {variant, layer}, slot or counter index); SLVERR while a command is busy' },
  { offset: REG.CMD_DATA0, name: 'CMD_DATA0', access: 'rw', doc: 'cmd_data[31:0]; SLVERR while a command is busy' },
  { offset: REG.CMD_DATA1, name: 'CMD_DATA1', access: 'rw', doc: 'cmd_data[63:32]' },
  { offset: REG.CMD_DATA2, name: 'CMD_DATA2', access: 'rw', doc: 'cmd_data[95:64] (bits above the cmd_data width read 0)' },
  { offset: REG.CMD_GO, name: 'CMD_GO', access: 'action', doc: 'any write issues the staged command (cmd_valid until cmd_ready); SLVERR, and nothing issued, while a command is busy' },
  { offset: REG.RSP_DATA0, name: 'RSP_DATA0', access: 'ro', doc: 'rsp_data[31:0] of the last read command' },
  { offset: REG.RSP_DATA1, name: 'RSP_DATA1', access: 'ro', doc: 'rsp_data[63:32]' },
  { offset: REG.RSP_DATA2, name: 'RSP_DATA2', access: 'ro', doc: 'rsp_data[95:64]' },
  { offset: REG.ADM_VARIANT, name: 'ADM_VARIANT', access: 'rw', doc: 'adm_variant; the ADM_* staging registers give SLVERR while an admission is pending' },
  { offset: REG.ADM_DEADLINE_LO, name: 'ADM_DEADLINE_LO', access: 'rw', doc: 'adm_deadline[31:0] (cycles)' },
  { offset: REG.ADM_DEADLINE_HI, name: 'ADM_DEADLINE_HI', access: 'rw', doc: 'adm_deadline[63:32]' },
  { offset: REG.ADM_ARRIVAL_LO, name: 'ADM_ARRIVAL_LO', access: 'rw', doc: 'adm_arrival[31:0] (cycles)' },
  { offset: REG.ADM_ARRIVAL_HI, name: 'ADM_ARRIVAL_HI', access: 'rw', doc: 'adm_arrival[63:32]' },
  { offset: REG.ADM_SCALE_LO, name: 'ADM_SCALE_LO', access: 'rw', doc: 'adm_penalty_scale[31:0]' },
  { offset: REG.ADM_SCALE_HI, name: 'ADM_SCALE_HI', access: 'rw', doc: 'adm_penalty_scale[63:32]' },
  { offset: REG.ADM_CTRL, name: 'ADM_CTRL', access: 'action', doc: 'write [0]=1: submit the staged request (adm_valid until adm_ready; SLVERR if one is pending); [1]=1 (with [0]=0): withdraw a pending request not yet accepted' },
  { offset: REG.ADM_RESULT, name: 'ADM_RESULT', access: 'ro', doc: '[15:0] slot the last accepted admission took, [31] accepted since the last submit (= STATUS[3])' },
  { offset: REG.ADM_BANK, name: 'ADM_BANK', access: 'rw', doc: '[0] adm_coeff_bank: the regression coefficient bank the staged request uses (regression builds only; unmapped, SLVERR, with the gamma predictor)' },
  { offset: REG.EV_INFO, name: 'EV_INFO', access: 'ro', doc: '[31] event waiting, [29:28] kind (1 decision, 2 completion), [25:16] layer, [9:0] slot' },
  { offset: REG.EV_TIME_LO, name: 'EV_TIME_LO', access: 'ro', doc: 'ev_time[31:0]: decision t_sel / completion finish time' },
  { offset: REG.EV_TIME_HI, name: 'EV_TIME_HI', access: 'ro', doc: 'ev_time[63:32]' },
  { offset: REG.EV_SCORE_LO, name: 'EV_SCORE_LO', access: 'ro', doc: 'ev_score[31:0] (decision: the winning score)' },
  { offset: REG.EV_SCORE_HI, name: 'EV_SCORE_HI', access: 'ro', doc: 'ev_score[63:32]' },
  { offset: REG.EV_POP, name: 'EV_POP', access: 'action', doc: 'any write takes the waiting event (ev_ready for one cycle); ignored when none is waiting' },
  { offset: REG.TIME_LO, name: 'TIME_LO', access: 'ro', doc: 'time_now[31:0]; reading it latches time_now[63:32] for TIME_HI (a coherent 64-bit read: LO first)' },
  { offset: REG.TIME_HI, name: 'TIME_HI', access: 'ro', doc: 'the high word latched by the last TIME_LO read' },
];

/** The register at a byte address (bits [1:0] ignored), if any. */
export function registerAt(addr: number): RegDef | undefined {
  const word = (addr & 0xff) & ~3;
  return REGISTERS.find((r) => r.offset === word);
}
