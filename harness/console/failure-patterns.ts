/**
 * Console text that means something went wrong, in one place for every stage that watches for it.
 * Sources: U-Boot, Linux and Xen messages seen on real consoles (see the project's reference notes).
 */

/** U-Boot's sign-on after a blank line: seen again while at the prompt, the board has reset. */
export const UBOOT_BANNER = /\n\r?\nU-Boot (?:SPL )?20\d\d\.\d\d/;

// Patterns that take the rest of the line wait for its end (?=[\r\n]), so the error shown is whole.
export const UBOOT_ERRORS: readonly RegExp[] = [
  /Retry count exceeded/,
  /TFTP error[^\r\n]*(?=[\r\n])/,
  /File not found/,
  /Unknown command '[^']*'/,
  /## Error[^\r\n]*(?=[\r\n])/,
  /### ERROR ### Please RESET the board ###/,
  /libfdt [^\r\n]*FDT_ERR_\w+/,
  /Bad Linux ARM64 Image magic!/,
  UBOOT_BANNER,
];

export const KERNEL_ERRORS: readonly RegExp[] = [
  /Kernel panic - not syncing[^\r\n]*(?=[\r\n])/,
  /Internal error: Oops[^\r\n]*(?=[\r\n])/,
  /\bOops\b[^\r\n]*(?=[\r\n])/,
  /kernel BUG at[^\r\n]*(?=[\r\n])/,
  /Unhandled fault[^\r\n]*(?=[\r\n])/,
  /-+\[ cut here \]-+/,
  /BUG: KASAN[^\r\n]*(?=[\r\n])/,
  // The ramdisk's bytes are not a whole archive (a reg size that is not the file's, a corrupt file).
  /Initramfs unpacking failed[^\r\n]*(?=[\r\n])/,
];

export const XEN_ERRORS: readonly RegExp[] = [/Panic on CPU \d+[^\r\n]*(?=[\r\n])/, /Xen BUG at[^\r\n]*(?=[\r\n])/, /Xen call trace/];

/** Everything that must never appear once Xen has started. `WARNING:` is reported, not fatal: see BOOT_WARNINGS. */
export const BOOT_ERRORS: readonly RegExp[] = [...XEN_ERRORS, ...KERNEL_ERRORS];

/** Reported in the boot suite as a finding of its own. */
export const BOOT_WARNINGS: readonly RegExp[] = [/WARNING: [^\r\n]*(?=[\r\n])/];
