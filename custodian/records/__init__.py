"""Every category of patron record the seed policies name.

Nothing outside the door (`custodian.door`) and the write services (`custodian.circulation`,
`custodian.synth`, ...) may import these models; an import-linter contract enforces it.
"""
