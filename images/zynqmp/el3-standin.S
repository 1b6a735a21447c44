/*
 * Stand-in EL3 firmware for the virtual ZCU102 (QEMU xlnx-zcu102, secure=on).
 *
 * A real ZCU102 runs FSBL, PMU firmware and TF-A before U-Boot. QEMU models none of the PMU, so
 * Debian's U-Boot (xilinx_zynqmp_virt_defconfig) panics before its console is up unless something
 * at EL3 answers its firmware calls. This is that something, and no more:
 *
 *   - cold boot (CPU 0): makes every GIC interrupt non-secure, then drops to U-Boot at EL2;
 *   - PSCI 0.2 for U-Boot and Xen: VERSION, CPU_ON (through the APU's reset-vector registers and
 *     the CRF reset release, as TF-A does on this SoC), AFFINITY_INFO, MIGRATE_INFO_TYPE;
 *     CPU_OFF, SYSTEM_OFF and SYSTEM_RESET park the core (the harness resets and powers off
 *     through QEMU's monitor instead);
 *   - the few ZynqMP PM (EEMI) SiP calls U-Boot needs: API version, chip ID, MMIO read/write.
 *     Every other PM call "succeeds" with an empty payload.
 *
 * Left out on purpose: power domains, clocks, resets of devices, PSCI_FEATURES/SMCCC_VERSION
 * (Xen then assumes SMCCC 1.0), secure payloads. The MMU and caches stay off at EL3.
 * Linked for and loaded at OCM 0xfffe0000 by QEMU's generic loader, which also starts CPU 0 here.
 */

	/* UBOOT_ENTRY, U-Boot's CONFIG_TEXT_BASE, comes from the build (boards/qemu-zcu102.ts). */
	.equ	GICD_BASE,		0xf9010000
	.equ	GICC_BASE,		0xf9020000
	.equ	GIC_LINES,		192		/* ZynqMP's GIC-400: 6 IGROUPR registers */
	.equ	APU_RVBAR_BASE,		0xfd5c0040	/* RVBARADDRnL/H, 8 bytes apart per core */
	.equ	CRF_RST_FPD_APU,	0xfd1a0104	/* bit n: ACPUn reset; bit 10+n: its power-on reset */
	.equ	CPUS,			4
	.equ	STACK_BYTES,		0x400		/* per core, below the end of this image's RAM */

	/* SCR_EL3: NS=1 (lower ELs non-secure), bits 5:4 RES1, HCE=1 (HVC enabled), RW=1 (EL2 is AArch64). */
	.equ	SCR_EL3_VALUE,		(1 << 0) | (3 << 4) | (1 << 8) | (1 << 10)
	/* SPSR for the drop to EL2: EL2h, D, A, I and F masked. */
	.equ	SPSR_EL2H,		0x3c9

	.equ	PSCI_VERSION,		0x84000000
	.equ	PSCI_CPU_OFF,		0x84000002
	.equ	PSCI_CPU_ON_32,		0x84000003
	.equ	PSCI_CPU_ON_64,		0xc4000003
	.equ	PSCI_AFFINITY_32,	0x84000004
	.equ	PSCI_AFFINITY_64,	0xc4000004
	.equ	PSCI_MIGRATE_INFO_TYPE,	0x84000006
	.equ	PSCI_SYSTEM_OFF,	0x84000008
	.equ	PSCI_SYSTEM_RESET,	0x84000009
	.equ	PSCI_NOT_SUPPORTED,	-1
	.equ	PSCI_INVALID_PARAMS,	-2
	.equ	PSCI_ALREADY_ON,	-4

	.equ	SIP_PM_BASE,		0xc2000000	/* ZynqMP PM calls: 0xc2000000 | API id */
	.equ	PM_GET_API_VERSION,	1
	.equ	PM_MMIO_WRITE,		19
	.equ	PM_MMIO_READ,		20
	.equ	PM_GET_CHIPID,		24
	.equ	PM_API_V1_1,		0x00010001	/* U-Boot wants at least v1.0 */
	.equ	IDCODE_XCZU9EG,		0x04738093	/* the ZCU102's device, as its CSU reports it */
	.equ	PS_VERSION_3,		3		/* production silicon */

	.section .text
	.global	_start
_start:
	mrs	x9, mpidr_el1
	and	x9, x9, #0xff			/* core number (one cluster) */
	adr	x10, stack_top
	mov	x11, #STACK_BYTES
	msub	x10, x9, x11, x10
	mov	sp, x10
	adr	x10, vectors
	msr	vbar_el3, x10
	mov	x10, #SCR_EL3_VALUE
	msr	scr_el3, x10
	msr	cptr_el3, xzr			/* no FP/SIMD traps to EL3 */
	mov	x10, #0x73			/* EL2 may use CPUACTLR/CPUECTLR/L2CTLR/L2ECTLR/L2ACTLR */
	msr	actlr_el3, x10
	mrs	x10, s3_1_c15_c2_1		/* CPUECTLR_EL1: SMPEN, needed before caches go on */
	orr	x10, x10, #(1 << 6)
	msr	s3_1_c15_c2_1, x10
	isb
	cbnz	x9, secondary

	/* Cold boot: the distributor is shared; its group and enable bits are set once. */
	ldr	x10, =GICD_BASE
	mov	w11, #3				/* EnableGrp0 | EnableGrp1 */
	str	w11, [x10]
	mov	w11, #0xffffffff
	add	x12, x10, #0x84			/* GICD_IGROUPR1..: the SPIs; IGROUPR0 is per core, below */
	mov	x13, #(GIC_LINES / 32 - 1)
1:	str	w11, [x12], #4
	subs	x13, x13, #1
	b.ne	1b
	bl	gic_core_init
	adr	x10, cpu_on
	mov	w11, #1
	str	w11, [x10]			/* CPU 0 is on */
	ldr	x10, =UBOOT_ENTRY
	mov	x0, xzr
	b	drop_to_el2

secondary:
	bl	gic_core_init
	adr	x10, cpu_entry
	add	x10, x10, x9, lsl #4
	ldp	x0, x10, [x10]			/* context id, entry point given to CPU_ON */
	/* fall through */

/* ERET to x10 at EL2h, x0 passed on. */
drop_to_el2:
	msr	elr_el3, x10
	mov	x10, #SPSR_EL2H
	msr	spsr_el3, x10
	isb
	eret

/* The banked part of the GIC: this core's SGIs and PPIs non-secure, its CPU interface open. */
gic_core_init:
	ldr	x10, =GICD_BASE
	mov	w11, #0xffffffff
	str	w11, [x10, #0x80]		/* GICD_IGROUPR0 */
	ldr	x10, =GICC_BASE
	mov	w11, #0xff
	str	w11, [x10, #0x4]		/* GICC_PMR: no priority masked */
	mov	w11, #3
	str	w11, [x10]			/* GICC_CTLR: EnableGrp0 | EnableGrp1 */
	ret

/*
 * Parks a core (CPU_OFF, SYSTEM_OFF, SYSTEM_RESET). A secondary core parked by CPU_OFF starts over
 * from _start when a later CPU_ON marks it on again (and sends an event); CPU 0 stays parked.
 */
park:
	mrs	x9, mpidr_el1
	and	x9, x9, #0xff
	adr	x10, cpu_on
	str	wzr, [x10, x9, lsl #2]
	dsb	sy
1:	wfe
	ldr	w11, [x10, x9, lsl #2]
	cbz	w11, 1b
	cbz	x9, 1b
	b	_start

/*
 * A synchronous exception from EL2 (or EL1). An SMC: x0 function id, x1-x3 arguments; results in
 * x0-x3. Anything else (a trapped register access) is skipped. ELR/SPSR are kept on the stack, as a
 * fault at EL3 itself (current_el_sync) overwrites them.
 */
smc_handler:
	sub	sp, sp, #64
	stp	x9, x10, [sp]
	stp	x11, x12, [sp, #16]
	mrs	x9, elr_el3
	mrs	x10, spsr_el3
	stp	x9, x10, [sp, #32]
	str	x13, [sp, #48]
	mrs	x9, esr_el3
	lsr	x9, x9, #26			/* exception class */
	cmp	x9, #0x17			/* SMC from AArch64 */
	b.eq	3f
	ldr	x9, [sp, #32]			/* not an SMC: return past the trapped instruction */
	add	x9, x9, #4
	str	x9, [sp, #32]
	b	smc_return
3:	mov	w9, w0
	adr	x10, psci_calls
1:	ldp	w11, w12, [x10], #8		/* function id, handler offset from _start */
	cbz	w11, 2f				/* end of the table */
	cmp	w9, w11
	b.ne	1b
	adr	x10, _start
	add	x10, x10, x12
	br	x10
2:	and	w10, w9, #0xffff0000
	ldr	w11, =SIP_PM_BASE
	cmp	w10, w11
	b.eq	pm_call
	mov	x0, #PSCI_NOT_SUPPORTED
	b	smc_return

/* The PSCI functions answered, and their handlers. */
	.balign	8
psci_calls:
	.word	PSCI_VERSION, psci_version - _start
	.word	PSCI_CPU_ON_64, psci_cpu_on - _start
	.word	PSCI_CPU_ON_32, psci_cpu_on - _start
	.word	PSCI_AFFINITY_64, psci_affinity - _start
	.word	PSCI_AFFINITY_32, psci_affinity - _start
	.word	PSCI_MIGRATE_INFO_TYPE, psci_migrate_info - _start
	.word	PSCI_CPU_OFF, park - _start
	.word	PSCI_SYSTEM_OFF, park - _start
	.word	PSCI_SYSTEM_RESET, park - _start
	.word	0, 0

psci_version:
	mov	x0, #2				/* 0.2 */
	b	smc_return

psci_migrate_info:
	mov	x0, #2				/* no Trusted OS: nothing to migrate */
	b	smc_return

psci_affinity:
	and	x9, x1, #0xff
	cmp	x9, #CPUS
	b.hs	invalid_params
	adr	x10, cpu_on
	ldr	w11, [x10, x9, lsl #2]
	mov	x0, #1				/* OFF */
	cbz	w11, smc_return
	mov	x0, #0				/* ON */
	b	smc_return

/* x1 target MPIDR, x2 entry point, x3 context id. */
psci_cpu_on:
	and	x9, x1, #0xff
	cmp	x9, #CPUS
	b.hs	invalid_params
	adr	x10, cpu_on
	ldr	w11, [x10, x9, lsl #2]
	mov	x0, #PSCI_ALREADY_ON
	cbnz	w11, smc_return
	mov	w11, #1
	str	w11, [x10, x9, lsl #2]
	adr	x10, cpu_entry
	add	x10, x10, x9, lsl #4
	stp	x3, x2, [x10]			/* read back by the core at `secondary` */
	/* The core restarts at its reset vector: point it here, then release its resets. */
	ldr	x10, =APU_RVBAR_BASE
	add	x10, x10, x9, lsl #3
	adr	x11, _start
	str	w11, [x10]
	lsr	x11, x11, #32
	str	w11, [x10, #4]
	dsb	sy
	ldr	x10, =CRF_RST_FPD_APU
	ldr	w11, [x10]
	mov	w12, #0x401
	lsl	w12, w12, w9
	bic	w11, w11, w12
	str	w11, [x10]
	sev					/* a core parked by CPU_OFF waits for an event */
	mov	x0, #0
	b	smc_return

invalid_params:
	mov	x0, #PSCI_INVALID_PARAMS
	b	smc_return

/*
 * ZynqMP PM call: x1 = arg1 << 32 | arg0, x2 = arg3 << 32 | arg2. The reply is a status in w0
 * and payload words in the upper half of x0, then x1 (what U-Boot's xilinx_pm_request unpacks).
 */
pm_call:
	and	w9, w9, #0xffff
	cmp	w9, #PM_GET_API_VERSION
	b.eq	pm_api_version
	cmp	w9, #PM_GET_CHIPID
	b.eq	pm_chipid
	cmp	w9, #PM_MMIO_READ
	b.eq	pm_mmio_read
	cmp	w9, #PM_MMIO_WRITE
	b.eq	pm_mmio_write
	mov	x0, #0				/* success, empty payload */
	mov	x1, #0
	b	smc_return

pm_api_version:
	ldr	x0, =(PM_API_V1_1 << 32)
	b	smc_return

pm_chipid:
	ldr	x0, =(IDCODE_XCZU9EG << 32)
	mov	x1, #PS_VERSION_3
	b	smc_return

/* arg0 address. A register QEMU does not model reads as 0 (see current_el_sync). */
pm_mmio_read:
	mov	w9, w1
	mov	w10, #0
	ldr	w10, [x9]
	lsl	x0, x10, #32
	b	smc_return

/* arg0 address, arg1 mask, arg2 value: the masked bits take the value's. */
pm_mmio_write:
	mov	w9, w1
	lsr	x11, x1, #32			/* mask */
	mov	w10, #0
	ldr	w10, [x9]
	bic	w10, w10, w11
	and	w12, w2, w11
	orr	w10, w10, w12
	str	w10, [x9]
	mov	x0, #0
	b	smc_return

smc_return:
	ldp	x9, x10, [sp, #32]
	msr	elr_el3, x9
	msr	spsr_el3, x10
	ldr	x13, [sp, #48]
	ldp	x11, x12, [sp, #16]
	ldp	x9, x10, [sp]
	add	sp, sp, #64
	eret

/*
 * A fault at EL3 itself can only be a PM MMIO access to an address with no device behind it:
 * skip the access (its target register was zeroed first) rather than hang the board.
 */
current_el_sync:
	mrs	x13, elr_el3			/* x13: saved by smc_handler, used by no handler */
	add	x13, x13, #4
	msr	elr_el3, x13
	eret

	.balign	2048
vectors:					/* 16 slots of 0x80 bytes */
	.rept	4
	.balign	0x80
	b	.				/* 0x000-0x180 current EL with SP0: unused */
	.endr
	.balign	0x80
	b	current_el_sync			/* 0x200 current EL with SPx, synchronous: a PM MMIO access that faulted */
	.rept	3
	.balign	0x80
	b	.				/* 0x280-0x380 IRQ, FIQ, SError: not routed to EL3 */
	.endr
	.balign	0x80
	b	smc_handler			/* 0x400 lower EL (AArch64), synchronous: SMC, trapped accesses */
	.rept	7
	.balign	0x80
	b	.				/* 0x480-0x780 lower EL IRQ, FIQ, SError (not routed), AArch32 (unused) */
	.endr

	/* Data stays in the one section: OCM is RAM, and the MMU is off. */
	.balign	8
cpu_entry:				/* per core: context id, entry point */
	.fill	CPUS * 2, 8, 0
cpu_on:					/* per core: 1 while on */
	.fill	CPUS, 4, 0
	.balign	16
	.fill	CPUS * STACK_BYTES, 1, 0
stack_top:
