/* The static hull-init program (reaper.c), embedded in the runtime so the
 * shim can copy it into a sealed memfd without opening any host path at
 * container start. The build passes -Wa,-I<builddir>/src/init. */
	.section .rodata
	.balign 16
	.globl hull_reaper_blob
	.type hull_reaper_blob, @object
hull_reaper_blob:
	.incbin "hull-init"
	.globl hull_reaper_blob_end
hull_reaper_blob_end:
	.section .note.GNU-stack,"",@progbits
