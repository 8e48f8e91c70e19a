// Every ```ts block of README.md type-checks against the built package and runs (tools/testing/src/readme-examples.ts).
import { testReadme } from '@x/testing/readme';

testReadme(new URL('..', import.meta.url));
