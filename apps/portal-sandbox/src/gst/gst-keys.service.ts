import type { KeyObject } from 'node:crypto';
import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';

import type { OnModuleInit } from '@nestjs/common';
import { Injectable } from '@nestjs/common';

const generateRsa = promisify(generateKeyPair);

/**
 * The sandbox's stand-in for the GSTN public key (the real one is distributed out of band). A new pair is
 * made at every start, so clients fetch the public key from `GET /gst/_sandbox/public-key`.
 */
@Injectable()
export class GstKeysService implements OnModuleInit {
  private pair?: { publicKey: KeyObject; privateKey: KeyObject };

  async onModuleInit(): Promise<void> {
    this.pair = await generateRsa('rsa', { modulusLength: 2048 });
  }

  privateKey(): KeyObject {
    if (!this.pair) throw new Error('GSTN key pair not generated yet');
    return this.pair.privateKey;
  }

  publicKeyPem(): string {
    if (!this.pair) throw new Error('GSTN key pair not generated yet');
    return this.pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }
}
